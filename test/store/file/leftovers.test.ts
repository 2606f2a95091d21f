import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { acquireFileLock, releaseHeldLocksSync, tryFileLock, type FileLock } from '../../../src/store/file/file-lock.js';
import { nodeStoreFs, type StoreFs } from '../../../src/store/file/store-fs.js';
import { HOST_TAG, tempPathFor } from '../../../src/store/file/temp-names.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FixtureProcess, makeTempDir, removeDir, waitUntil } from '../store-helpers.js';

/** The pid of a process that has just exited (so it is certainly not running now). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid;
}

/** A holder record as a run of this host with `pid` leaves it in a lock or guard file. */
function holderRecord(pid: number, token: string): string {
  const now = Date.now();
  return JSON.stringify({ pid, host: hostname(), token, acquiredAt: now, heartbeatAt: now });
}

/** A copy of Node's file system whose `call` does its work, then waits for `release()` before answering. */
function pausingFs(call: 'writeFile' | 'link'): { fs: StoreFs; reached: () => boolean; release: () => void } {
  let reached = false;
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const fs: StoreFs = {
    ...nodeStoreFs,
    [call]: async (...args: unknown[]) => {
      await (nodeStoreFs[call] as (...a: unknown[]) => Promise<void>)(...args);
      reached = true;
      await gate;
    },
  };
  return { fs, reached: () => reached, release };
}

// Issue 13 item 7: no lock, temp or guard file outlives the run that made it.
describe('leftovers of interrupted and killed runs', () => {
  let dir: string;
  const children: FixtureProcess[] = [];
  const held: FileLock[] = [];
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const lock of held.splice(0)) await lock.release();
    await removeDir(dir);
  });

  it('a signal while a lock record is being made: the exit path removes its *.lock.*.tmp', async () => {
    const lockPath = join(dir, 'entry.lock');
    const paused = pausingFs('writeFile');
    const attempt = tryFileLock(lockPath, { fs: paused.fs }).catch(() => undefined);
    await waitUntil(paused.reached);
    expect((await readdir(dir)).some((name) => name.endsWith('.tmp'))).toBe(true);
    releaseHeldLocksSync();
    expect(await readdir(dir)).toEqual([]);
    paused.release();
    await attempt;
  });

  it('a signal while taking over a dead holder: the exit path removes its .break guard', async () => {
    const lockPath = join(dir, 'entry.lock');
    await writeFile(lockPath, holderRecord(deadPid(), 'dead-holder'));
    const paused = pausingFs('link');
    const attempt = tryFileLock(lockPath, { fs: paused.fs }).catch(() => undefined);
    await waitUntil(paused.reached);
    expect(await readdir(dir)).toContain('entry.lock.break');
    releaseHeldLocksSync();
    expect((await readdir(dir)).filter((name) => name !== 'entry.lock')).toEqual([]);
    paused.release();
    await attempt;
  });

  it("open() sweeps what dead runs left (locks, guards, temps), keeping a live holder's lock and recent foreign temps", async () => {
    const entries = join(dir, 'http');
    await mkdir(entries, { recursive: true });
    const dead = deadPid();
    const tempOf = (path: string, pid: number) => tempPathFor(path).replace(`-${process.pid}.`, `-${pid}.`);
    const leftovers = [
      [join(entries, `${'a'.repeat(64)}.lock`), holderRecord(dead, 'a')],
      [join(entries, `${'b'.repeat(64)}.lock.break`), holderRecord(dead, 'b')],
      [join(dir, 'state.json.lock'), holderRecord(dead, 'c')],
      [tempOf(join(entries, `${'c'.repeat(64)}.json`), dead), 'partial'],
      [tempOf(join(entries, `${'d'.repeat(64)}.lock`), dead), holderRecord(dead, 'd')],
      [tempOf(join(dir, 'state.json'), dead), '{"schema":'],
    ] as const;
    for (const [file, content] of leftovers) await writeFile(file, content);
    // Another host's temp (it may be writing right now through a shared folder), and an old one.
    const foreignRecent = join(entries, `${'e'.repeat(64)}.json.0badc0de-123.abcdef.tmp`);
    const foreignOld = join(entries, `${'f'.repeat(64)}.json.0badc0de-123.abcdef.tmp`);
    for (const file of [foreignRecent, foreignOld]) await writeFile(file, 'partial');
    await utimes(foreignOld, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    // A lock this very process holds, and a user's file that merely looks alike.
    const live = await acquireFileLock(join(entries, `${'9'.repeat(64)}.lock`));
    held.push(live);
    await writeFile(join(dir, 'notes.tmp'), 'mine');
    expect(HOST_TAG).not.toBe('0badc0de');

    const cache = await DiskCache.open({ dir, clock: new ManualClock(Date.now()) });
    for (const [file] of leftovers) expect(existsSync(file), file).toBe(false);
    expect(existsSync(foreignOld)).toBe(false);
    expect(existsSync(foreignRecent)).toBe(true);
    expect(existsSync(live.path)).toBe(true);
    expect(existsSync(join(dir, 'notes.tmp'))).toBe(true);
    expect((await cache.sweep()).removed).toEqual([]);
  });

  it('after runs are SIGKILLed mid-work, the next open leaves only whole entries', async () => {
    let leftBehind = 0;
    for (let round = 0; round < 2; round++) {
      const batch = Array.from({ length: 4 }, () => new FixtureProcess('cache-child.ts', ['lookup-loop', dir, '3']));
      children.push(...batch);
      await Promise.all(batch.map((child) => child.waitFor((message) => message.looped === 2)));
      for (const child of batch) child.kill('SIGKILL');
      await Promise.all(batch.map((child) => child.exited));
      leftBehind += (await readdir(join(dir, 'http'))).filter((name) => !name.endsWith('.json')).length;
    }
    await DiskCache.open({ dir });
    const names = await readdir(join(dir, 'http'));
    expect(names.filter((name) => !name.endsWith('.json'))).toEqual([]);
    expect(names.length).toBeGreaterThanOrEqual(1);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{16}\.json$/);
    // Only meaningful if some kill really left a lock or temp file behind.
    expect(leftBehind).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

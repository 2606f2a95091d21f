import { readFileSync } from 'node:fs';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock, tryFileLock, withFileLock, type FileLock } from '../../../src/store/file/file-lock.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FixtureProcess, makeTempDir, removeDir, waitUntil } from '../store-helpers.js';

const STALE_MS = 30_000;

describe('file lock', () => {
  let dir: string;
  let lockPath: string;
  let clock: ManualClock;
  const held: FileLock[] = [];

  beforeEach(async () => {
    dir = await makeTempDir();
    lockPath = join(dir, 'thing.lock');
    clock = new ManualClock();
  });
  afterEach(async () => {
    for (const lock of held.splice(0)) await lock.release();
    await removeDir(dir);
  });

  const exists = (file: string) =>
    stat(file).then(
      () => true,
      () => false,
    );
  const take = async (options = {}) => {
    const lock = await tryFileLock(lockPath, { clock, staleMs: STALE_MS, ...options });
    if (lock) held.push(lock);
    return lock;
  };
  /** A lock file as another process would leave it. */
  const writeHolder = (record: { pid: number; host: string; heartbeatAt: number }) =>
    writeFile(lockPath, JSON.stringify({ ...record, token: 'someone-else', acquiredAt: record.heartbeatAt }));

  it('withFileLock holds the lock file while fn runs and removes it after, also when fn throws', async () => {
    const result = await withFileLock(
      lockPath,
      async () => {
        const record = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number; host: string };
        expect(record).toMatchObject({ pid: process.pid, host: hostname() });
        return 42;
      },
      { clock },
    );
    expect(result).toBe(42);
    expect(await exists(lockPath)).toBe(false);
    await expect(withFileLock(lockPath, () => Promise.reject(new Error('inner')), { clock })).rejects.toThrow('inner');
    expect(await exists(lockPath)).toBe(false);
  });

  it('tryFileLock is refused while the lock is held and granted after release', async () => {
    const first = await take();
    expect(first).toBeDefined();
    expect(await take()).toBeUndefined();
    await first!.release();
    await first!.release(); // idempotent
    expect(await take()).toBeDefined();
  });

  it('serialises concurrent holders: 10 read-modify-write cycles under the lock lose nothing', async () => {
    const counter = join(dir, 'counter');
    await writeFile(counter, '0');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileLock(lockPath, async () => {
          maxInside = Math.max(maxInside, ++inside);
          const value = Number(await readFile(counter, 'utf8'));
          await new Promise((resolve) => setImmediate(resolve));
          await writeFile(counter, String(value + 1));
          inside--;
        }),
      ),
    );
    expect(await readFile(counter, 'utf8')).toBe('10');
    expect(maxInside).toBe(1);
  });

  it('gives up with QAHT_ERR_LOCK_TIMEOUT after waitMs while a live holder keeps it', async () => {
    await take();
    const waiting = acquireFileLock(lockPath, { clock, staleMs: STALE_MS, waitMs: 5_000 }).catch((error: unknown) => error);
    await waitUntil(() => clock.pendingSleeps === 1);
    for (let elapsed = 0; elapsed < 5_000; elapsed += 100) await clock.advance(100);
    await clock.advance(100);
    expect(await waiting).toMatchObject({ code: 'QAHT_ERR_LOCK_TIMEOUT' });
  });

  it('a lock left by a killed process on this host is taken over at once', async () => {
    const holder = new FixtureProcess('cache-child.ts', ['hold-lock', lockPath]);
    const { locked } = await holder.waitFor((message) => typeof message.locked === 'number');
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: locked });
    expect(await take({ clock: undefined })).toBeUndefined(); // alive: refused

    holder.kill('SIGKILL');
    await holder.exited;
    expect(await take({ clock: undefined })).toBeDefined(); // no waiting for staleMs
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('a holder this host cannot check (another host) blocks until its heartbeat is staleMs old', async () => {
    await writeHolder({ pid: 12345, host: 'another-host', heartbeatAt: clock.now() });
    const waiting = acquireFileLock(lockPath, { clock, staleMs: STALE_MS, waitMs: 120_000 });
    let acquiredAt: number | undefined;
    void waiting.then(() => {
      acquiredAt = clock.now();
    });
    const start = clock.now();
    while (acquiredAt === undefined) {
      await waitUntil(() => clock.pendingSleeps === 1 || acquiredAt !== undefined);
      if (acquiredAt === undefined) await clock.advance(100);
    }
    held.push(await waiting);
    expect(acquiredAt - start).toBeGreaterThan(STALE_MS);
    expect(acquiredAt - start).toBeLessThanOrEqual(STALE_MS + 200);
  });

  it('a live process whose heartbeat stopped (pid reused, hung) is taken over after staleMs', async () => {
    await writeHolder({ pid: process.ppid, host: hostname(), heartbeatAt: clock.now() });
    expect(await take()).toBeUndefined();
    await clock.advance(STALE_MS + 1);
    expect(await take()).toBeDefined();
  });

  it('a lock carrying our own pid but not a token we hold is from an earlier process (pid 1 in containers)', async () => {
    await writeHolder({ pid: process.pid, host: hostname(), heartbeatAt: clock.now() });
    expect(await take()).toBeDefined();
  });

  it('unreadable lock content is judged by its mtime', async () => {
    await writeFile(lockPath, '');
    expect(await take()).toBeUndefined();
    const old = new Date(Date.now() - 2 * STALE_MS);
    await utimes(lockPath, old, old);
    expect(await take()).toBeDefined();
  });

  it('the heartbeat keeps a slow holder from being taken over', async () => {
    const staleMs = 150; // heartbeat every 50 ms of real time
    const lock = await take({ staleMs });
    await clock.advance(staleMs); // as old as it may get without a heartbeat
    await waitUntil(() => readHeartbeat(lockPath) === clock.now());
    await clock.advance(staleMs / 2);
    expect(await tryFileLock(lockPath, { clock, staleMs })).toBeUndefined();
    await lock!.release();
  });
});

function readHeartbeat(lockPath: string): number | undefined {
  try {
    // Synchronous read keeps waitUntil's condition simple.
    return (JSON.parse(readFileSync(lockPath, 'utf8')) as { heartbeatAt: number }).heartbeatAt;
  } catch {
    return undefined;
  }
}

import { watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntry } from '../../../src/store/cache-entry.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { tempOwner } from '../../../src/store/file/temp-names.js';
import { payloadFor } from '../../fixtures/store/payload.js';
import { CountingMonitor, FixtureProcess, makeTempDir, removeDir, startCountingServer } from '../store-helpers.js';

describe('DiskCache across processes', () => {
  let dir: string;
  const children: FixtureProcess[] = [];

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill();
      await child.exited;
    }
    await removeDir(dir);
  });

  it('20 processes asking for the same key at once: one upstream request, all get the data, no corrupt file', async () => {
    const body = { coins: Array.from({ length: 250 }, (_, rank) => ({ id: `coin-${rank}`, rank })) };
    // The latency keeps the first fetch in flight while the other processes arrive.
    const server = await startCountingServer(body, 150);
    try {
      const key = 'test:/coins/markets?per_page=250';
      for (let i = 0; i < 20; i++) children.push(new FixtureProcess('cache-child.ts', ['lookup', dir, server.url, key]));
      await Promise.all(children.map((child) => child.waitFor((message) => message.ready === true)));
      for (const child of children) child.send('go');
      const results = await Promise.all(children.map((child) => child.waitFor((message) => 'status' in message)));
      const exits = await Promise.all(children.map((child) => child.exited));

      expect(server.count()).toBe(1);
      expect(exits.every((exit) => exit.code === 0)).toBe(true);
      expect(results.filter((result) => result.status === 'fresh')).toHaveLength(1);
      for (const result of results) {
        expect(['fresh', 'cached']).toContain(result.status);
        expect(result.value).toEqual(body);
      }

      // One whole entry; no temp, lock or guard file left behind.
      const files = await readdir(join(dir, 'http'));
      expect(files).toHaveLength(1);
      const decoded = decodeEntry(await readFile(join(dir, 'http', files[0]!), 'utf8'), key);
      expect(decoded.ok && decoded.entry.value).toEqual(body);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('kill -9 in the middle of writes leaves the old or the new entry readable, never a corrupt one', async () => {
    const key = 'test:/big';
    const sizeBytes = 8 * 1024 * 1024;
    const entriesDir = join(dir, 'http');
    let interruptedMidWrite = 0;
    // Rounds 0-3 kill at the writer's first file change (mid-write); 4-9 at points spread
    // over serialising, hashing, writing and renaming. Each round kills during the writer's
    // second write: one whole entry (the "old" one) is all a round needs on disk beforehand.
    for (let round = 0; round < 10; round++) {
      const child = new FixtureProcess('cache-child.ts', ['write-loop', dir, key, String(sizeBytes)]);
      children.push(child);
      await child.waitFor((message) => message.wrote === 1);
      if (round < 4) {
        await killAtFirstFileChange(child, entriesDir, 2);
      } else {
        await child.waitFor((message) => message.writing === 2);
        await new Promise((resolve) => setTimeout(resolve, (round - 4) * 10));
        child.kill('SIGKILL');
      }
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');

      const lastWrote = Math.max(...child.messages.map((message) => (typeof message.wrote === 'number' ? message.wrote : 0)));
      const orphans = (await readdir(entriesDir)).filter((name) => tempOwner(name)?.pid === child.child.pid);
      if (orphans.length > 0) interruptedMidWrite++;

      const monitor = new CountingMonitor();
      const entry = await new DiskCache({ dir, monitor }).get<{ i: number; blob: string }>(key);
      expect(entry, `round ${round}: the entry must survive`).toBeDefined();
      expect([lastWrote, lastWrote + 1]).toContain(entry!.value.i);
      expect(entry!.value).toEqual(payloadFor(entry!.value.i, sizeBytes));
      expect(monitor.get('cache.corrupt')).toBe(0);
    }
    // The test is only meaningful if some kills really landed between temp file and rename.
    expect(interruptedMidWrite).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

/**
 * SIGKILLs `child` at the first change it makes in `dir` once it has announced write number `i`:
 * with an atomic writer that is its temp file appearing; with a naive one, the entry being truncated.
 */
async function killAtFirstFileChange(child: FixtureProcess, dir: string, i: number): Promise<void> {
  await child.waitFor((message) => message.writing === i);
  await new Promise<void>((resolve) => {
    const watcher = watch(dir, () => {
      child.kill('SIGKILL');
      watcher.close();
      resolve();
    });
  });
}

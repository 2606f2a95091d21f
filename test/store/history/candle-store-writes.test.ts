import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTERVAL_MS } from '../../../src/candle.js';
import { encodeEntry } from '../../../src/store/cache-entry.js';
import { EntryFiles } from '../../../src/store/file/entry-files.js';
import { FileCandleStore } from '../../../src/store/file/file-candle-store.js';
import type { SeriesKey } from '../../../src/store/history/series-key.js';
import { systemClock } from '../../../src/time/clock.js';

const DAY = INTERVAL_MS['1d'];
const KEY: SeriesKey = { source: 'binance', interval: '1d', asset: 'BTCUSDT' };
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qaht-candle-writes-'));
  dirs.push(dir);
  return dir;
}

/** Counts fsyncs of files and folders opened through node:fs/promises from now on. */
async function countSyncs(dir: string): Promise<{ count: () => number }> {
  const probe = join(dir, 'probe');
  await writeFile(probe, '');
  const handle = await open(probe);
  const proto = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
  await handle.close();
  const spy = vi.spyOn(proto, 'sync');
  return { count: () => spy.mock.calls.length };
}

afterEach(async () => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('candle series writes', () => {
  const stored = {
    series: {
      interval: '1d' as const,
      openTime: [0, DAY],
      open: [1, 2],
      high: [1, 2],
      low: [1, 2],
      close: [1.5, 2.5],
      quoteVolume: [9, 9],
    },
    fetchedAt: 5,
  };

  it('land atomically without an fsync (a crash of the machine can cost a refetch, the checksum keeps a torn file out)', async () => {
    const dir = await tempDir();
    const syncs = await countSyncs(dir);
    const store = new FileCandleStore(dir, { clock: systemClock });
    const lock = await store.lock(KEY);
    expect(lock).toBeDefined();
    await store.write(KEY, stored);
    await lock?.release();
    expect(syncs.count()).toBe(0);
    expect((await store.read(KEY))?.series.close).toEqual([1.5, 2.5]);
    // Nothing left beside the entry: no temp file, no lock.
    expect(await readdir(store.files.entriesDir)).toEqual([expect.stringMatching(/^[0-9a-f]+\.json$/)]);
    // What a crash before the kernel wrote the data back can leave: an empty or torn file reads as missing.
    const [name] = await readdir(store.files.entriesDir);
    const file = join(store.files.entriesDir, name!);
    await writeFile(file, '');
    expect(await store.read(KEY)).toBeUndefined();
    await store.write(KEY, stored);
    await writeFile(file, (await readFile(file)).subarray(0, 200));
    expect(await store.read(KEY)).toBeUndefined();
  });

  it('other entries keep their fsyncs (file and folder)', async () => {
    const dir = await tempDir();
    const syncs = await countSyncs(dir);
    const files = new EntryFiles({ dir, clock: systemClock });
    await files.write(encodeEntry({ key: 'k', source: 'coingecko', fetchedAt: 1, ttlMs: 1, value: [1] }), 1);
    expect(syncs.count()).toBe(2);
  });
});

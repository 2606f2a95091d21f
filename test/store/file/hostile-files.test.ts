import { existsSync } from 'node:fs';
import { lstat, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRY_MAX_BYTES } from '../../../src/store/cache-entry.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { STATE_MAX_BYTES, STATE_SCHEMA_VERSION } from '../../../src/store/file/state-file.js';
import { StateStore } from '../../../src/store/file/state-store.js';
import type { ManualClock } from '../../helpers/manual-clock.js';
import { type CountingMonitor, makeFifo, useCacheFixture } from '../store-helpers.js';

const TTL_MS = 60_000;
const KEY = 'coingecko:coins/markets?vs_currency=usd&top=250';
const hasDevZero = existsSync('/dev/zero');

/**
 * Issue 13 items 2 and 11: whatever sits where an entry or `state.json` belongs (a FIFO, a link to
 * /dev/zero, a huge file) is a miss, read at once and never past the cap: no hang, no flood.
 */
describe('hostile files in the cache dir', () => {
  let dir: string;
  let clock: ManualClock;
  let monitor: CountingMonitor;
  let cache: DiskCache;
  useCacheFixture((fixture) => ({ dir, clock, monitor, cache } = fixture));

  const lookupFetching = (reader: DiskCache, value: unknown = [{ id: 'bitcoin' }]) =>
    reader.lookup({ source: 'coingecko', key: KEY, ttlMs: TTL_MS, fetch: async () => value });

  const hostile: Array<[string, boolean, (file: string) => Promise<void>]> = [
    ['a FIFO', true, async (file) => makeFifo(file)],
    ['a link to /dev/zero', hasDevZero, (file) => symlink('/dev/zero', file)],
    [
      'a link out of the entries folder',
      true,
      async (file) => {
        await writeFile(join(dir, 'elsewhere.json'), '{}');
        await symlink(join(dir, 'elsewhere.json'), file);
      },
    ],
    [
      'a sparse file over the entry cap',
      true,
      async (file) => {
        await writeFile(file, '');
        await truncate(file, ENTRY_MAX_BYTES + 1);
      },
    ],
  ];

  it.each(hostile.filter(([, runs]) => runs))(
    '%s as an entry is a miss: fetched again, then replaced by a real entry',
    async (_name, _runs, plant) => {
      const file = cache.fileFor(KEY);
      await plant(file);
      expect(await cache.get(KEY)).toBeUndefined();
      expect(await cache.list()).toEqual([]);
      const result = await lookupFetching(await DiskCache.open({ dir, clock, monitor }));
      expect(result).toMatchObject({ status: 'fresh', value: [{ id: 'bitcoin' }] });
      expect((await lstat(file)).isFile()).toBe(true);
      expect((await (await DiskCache.open({ dir, clock })).get(KEY))?.value).toEqual([{ id: 'bitcoin' }]);
      expect(monitor.get('cache.corrupt')).toBeGreaterThanOrEqual(1);
    },
    10_000,
  );

  it('an entry file over a smaller configured cap is not read, and a value over it is kept in memory only', async () => {
    const small = await DiskCache.open({ dir, clock, monitor, entryMaxBytes: 1024 });
    const warnings: string[] = [];
    const warned = await DiskCache.open({ dir, clock, monitor, entryMaxBytes: 1024, onWarning: (m) => warnings.push(m) });
    const big = 'x'.repeat(4096);
    expect(await lookupFetching(warned, big)).toMatchObject({ status: 'fresh', value: big });
    expect(await lookupFetching(warned, big)).toMatchObject({ status: 'cached' });
    expect(existsSync(warned.fileFor(KEY))).toBe(false);
    expect(warnings).toEqual(['coingecko data is not cached: its entry would be 4.2 KiB, over the 1.0 KiB entry cap']);
    await cache.set({ source: 'coingecko', key: KEY, value: big, ttlMs: TTL_MS });
    expect(await small.get(KEY)).toBeUndefined();
  });

  // Issue 13 item 2 (the store's part): a time in the future is never reported as the data's age.
  it('an entry stamped far in the future is reported as fetched now, never later, and is refetched', async () => {
    const future = clock.now() + 1000 * 365 * 24 * 3_600_000;
    await cache.set({ source: 'coingecko', key: KEY, value: ['old'], ttlMs: TTL_MS, fetchedAt: future });
    const reader = await DiskCache.open({ dir, clock, monitor });
    expect(await reader.view('offline').lookup({ source: 'coingecko', key: KEY, ttlMs: TTL_MS })).toMatchObject({
      status: 'stale',
      fetchedAt: clock.now(),
      ageMs: 0,
    });
    expect((await reader.list())[0]?.fetchedAt).toBe(clock.now());
    expect(await lookupFetching(reader)).toMatchObject({ status: 'fresh', value: [{ id: 'bitcoin' }], fetchedAt: clock.now() });
  });

  it('listing reads headers only; the value bytes are checked when the entry is used', async () => {
    await cache.set({ source: 'coingecko', key: KEY, value: [1, 2, 3], ttlMs: TTL_MS });
    const file = cache.fileFor(KEY);
    // Same length, different bytes: the header still fits the file, the checksum no longer does.
    await writeFile(file, (await readFile(file, 'utf8')).replace('[1,2,3]', '[1,2,4]'));
    const reader = await DiskCache.open({ dir, clock, monitor });
    expect((await reader.list()).map((row) => row.key)).toEqual([KEY]);
    expect(await reader.get(KEY)).toBeUndefined();
    expect(await reader.list()).toEqual([]);
  });

  const hostileState: Array<[string, boolean, (file: string) => Promise<void>]> = [
    ['a FIFO', true, async (file) => makeFifo(file)],
    ['a link to /dev/zero', hasDevZero, (file) => symlink('/dev/zero', file)],
    [
      'a file over the state cap',
      true,
      async (file) => {
        await writeFile(file, '');
        await truncate(file, STATE_MAX_BYTES + 1);
      },
    ],
  ];

  it.each(hostileState.filter(([, runs]) => runs))(
    '%s as state.json reads as empty, and the next save replaces it',
    async (_name, _runs, plant) => {
      const file = join(dir, 'state.json');
      await plant(file);
      const store = await StateStore.load(dir, { clock });
      expect(store.state).toMatchObject({ hosts: {}, sources: {}, budgets: {} });
      store.recordSourceSuccess('hn', clock.now());
      await store.flush();
      expect((await lstat(file)).isFile()).toBe(true);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ schema: STATE_SCHEMA_VERSION, sources: { hn: {} } });
    },
    10_000,
  );
});

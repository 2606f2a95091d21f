import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderStatusJson } from '../../../src/output/status-json.js';
import { gatherStatus } from '../../../src/commands/status/run.js';
import { inspectCacheDir } from '../../../src/store/file/cache-dir-health.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { StateStore } from '../../../src/store/file/state-store.js';
import { nodeStoreFs, type StoreFs } from '../../../src/store/file/store-fs.js';
import type { ManualClock } from '../../helpers/manual-clock.js';
import { type CountingMonitor, makeFifo, useCacheFixture } from '../store-helpers.js';

const TTL_MS = 60_000;

/** Node's file system on a full disk: nothing new can be created (writes through `open(…, 'wx')` and `writeFile`). */
const fullDisk: StoreFs = {
  ...nodeStoreFs,
  open: async (path, flags, mode) => {
    if (flags === 'wx') throw Object.assign(new Error(`ENOSPC: no space left on device, open '${String(path)}'`), { code: 'ENOSPC' });
    return nodeStoreFs.open(path, flags, mode);
  },
  writeFile: async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  },
  statfs: (async () => ({ bavail: 0, bsize: 4096 })) as unknown as StoreFs['statfs'],
};

// Issue 13 item 8: caching that stops says so once, and `status` says so too.
describe('when the cache cannot be written', () => {
  let dir: string;
  let clock: ManualClock;
  let monitor: CountingMonitor;
  useCacheFixture((fixture) => ({ dir, clock, monitor } = fixture));

  const lookup = (cache: DiskCache, key: string, forceRefresh = false) =>
    cache.view(forceRefresh ? 'force-refresh' : 'normal').lookup({ source: 'coingecko', key, ttlMs: TTL_MS, fetch: async () => [key] });

  it('a full disk: the run goes on from memory, and one warning says caching stopped', async () => {
    const warnings: string[] = [];
    const cache = await DiskCache.open({ dir, clock, monitor, fs: fullDisk, onWarning: (message) => warnings.push(message) });
    for (const key of ['coingecko:/a', 'coingecko:/b', 'coingecko:/c'])
      expect(await lookup(cache, key)).toMatchObject({ status: 'fresh', value: [key] });
    expect(await lookup(cache, 'coingecko:/a')).toMatchObject({ status: 'cached', value: ['coingecko:/a'] });
    expect(warnings).toEqual([`caching stopped: no space left on device in ${dir}; what this run fetches is not saved for the next run`]);
    expect(monitor.get('cache.write_error')).toBe(3);
    expect(await readdir(join(dir, 'http'))).toEqual([]);
  });

  it('a full disk: saving state fails with one line naming the file and the reason', async () => {
    const store = await StateStore.load(dir, { clock, fs: fullDisk });
    store.recordSourceSuccess('hn', clock.now());
    await expect(store.flush()).rejects.toMatchObject({
      code: 'QAHT_ERR_CACHE_DIR',
      message: `${join(dir, 'state.json')}: no space left on device`,
    });
  });

  it('a directory where an entry belongs: that entry is not stored, said once; other entries are', async () => {
    const warnings: string[] = [];
    const cache = await DiskCache.open({ dir, clock, monitor, onWarning: (message) => warnings.push(message) });
    const blocked = cache.fileFor('coingecko:/blocked');
    await mkdir(blocked);
    await lookup(cache, 'coingecko:/blocked');
    await lookup(cache, 'coingecko:/blocked', true);
    await lookup(cache, 'coingecko:/fine');
    expect(warnings).toEqual([`coingecko data is not cached: ${blocked} is a directory where its cache entry belongs`]);
    expect((await (await DiskCache.open({ dir, clock })).get('coingecko:/fine'))?.value).toEqual(['coingecko:/fine']);
    expect(await inspectCacheDir(dir)).toEqual([`${blocked} is a directory where a cache entry belongs: that entry is never stored`]);
  });

  it('screen status reports a full disk (statfs through the seam)', async () => {
    const report = await gatherStatus({ cacheDir: dir, env: {}, clock, fs: fullDisk });
    expect(report.cacheProblems).toEqual([`caching is off: the disk holding ${dir} is full (0 KiB free)`]);
    expect((JSON.parse(renderStatusJson(report)) as { cacheProblems: string[] }).cacheProblems).toEqual(report.cacheProblems);
  });

  it('status findings: a full disk, a read-only dir, a state.json that is not a file; none for a healthy dir', async () => {
    expect(await inspectCacheDir(dir)).toEqual([]);
    expect(await inspectCacheDir(join(dir, 'not-yet-created'))).toEqual([]);
    expect(await inspectCacheDir(dir, { fs: fullDisk })).toEqual([`caching is off: the disk holding ${dir} is full (0 KiB free)`]);
    const readOnly: StoreFs = {
      ...nodeStoreFs,
      access: async () => {
        throw Object.assign(new Error('EROFS'), { code: 'EROFS' });
      },
    };
    expect(await inspectCacheDir(dir, { fs: readOnly })).toEqual([`caching is off: ${dir} is not writable (read-only file system)`]);
    makeFifo(join(dir, 'state.json'));
    expect(await inspectCacheDir(dir)).toEqual([`${join(dir, 'state.json')} is not a regular file: breaker and limiter state is not kept`]);
  });
});

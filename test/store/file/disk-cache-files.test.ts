import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isQahtError } from '../../../src/errors.js';
import { CACHE_SCHEMA_VERSION, encodeEntry } from '../../../src/store/cache-entry.js';
import { cacheKey } from '../../../src/store/cache-key.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import type { ManualClock } from '../../helpers/manual-clock.js';
import { type CountingMonitor, useCacheFixture } from '../store-helpers.js';

const TTL_MS = 60_000;
const KEY = 'hn:/api/v1/search_by_date?query=bitcoin';

describe('DiskCache files', () => {
  let dir: string;
  let clock: ManualClock;
  let monitor: CountingMonitor;
  let cache: DiskCache;
  useCacheFixture((fixture) => ({ dir, clock, monitor, cache } = fixture));

  const freshCache = () => DiskCache.open({ dir, clock, monitor });
  const exists = (file: string) =>
    stat(file).then(
      () => true,
      () => false,
    );

  describe('an unusable entry file is a miss and is removed', () => {
    const validText = () =>
      encodeEntry({ key: KEY, source: 'hn', fetchedAt: clock.now(), ttlMs: TTL_MS, value: { hits: [1, 2, 3] } }).bytes.toString('utf8');
    const cases: Array<[string, () => string]> = [
      ['truncated', () => validText().slice(0, 40)],
      ['garbage', () => '\u0000\u00ff not json at all'],
      ['empty', () => ''],
      ['JSON but not an entry', () => '[1,2,3]'],
      ['a foreign schema version', () => JSON.stringify({ ...JSON.parse(validText()), schema: CACHE_SCHEMA_VERSION + 1 })],
      ['a checksum mismatch', () => validText().replace('[1,2,3]', '[1,2,4]')],
      ['another key', () => validText().replace(KEY, `${KEY}&x=1`)],
    ];

    it.each(cases)('%s', async (_name, content) => {
      const file = cache.fileFor(KEY);
      await writeFile(file, content());
      const reader = await freshCache();
      let fetched = 0;
      const result = await reader.lookup({
        source: 'hn',
        key: KEY,
        ttlMs: TTL_MS,
        fetch: async () => {
          fetched++;
          return { hits: [9] };
        },
      });
      expect(result).toMatchObject({ status: 'fresh', value: { hits: [9] } });
      expect(fetched).toBe(1);
      expect(monitor.get('cache.corrupt')).toBe(1);
      // The bad file was replaced by a good entry.
      expect((await (await freshCache()).get(KEY))?.value).toEqual({ hits: [9] });
    });

    it('get() removes the bad file', async () => {
      const file = cache.fileFor(KEY);
      await writeFile(file, '{"schema":1,"key":');
      expect(await (await freshCache()).get(KEY)).toBeUndefined();
      expect(await exists(file)).toBe(false);
    });

    it('offline with only a corrupt file fails cleanly', async () => {
      await writeFile(cache.fileFor(KEY), 'garbage');
      const result = await (await freshCache()).view('offline').lookup({ source: 'hn', key: KEY, ttlMs: TTL_MS });
      expect(result.status).toBe('failed');
    });
  });

  it('writes entries 0600 in a 0700 directory, named by hash', async () => {
    const nested = join(dir, 'nested', 'cache');
    const private_ = await DiskCache.open({ dir: nested, clock });
    await private_.set({ source: 'hn', key: KEY, value: { ok: true }, ttlMs: TTL_MS });
    expect((await stat(nested)).mode & 0o777).toBe(0o700);
    expect((await stat(join(nested, 'http'))).mode & 0o777).toBe(0o700);
    const file = private_.fileFor(KEY);
    expect(file).toMatch(/[/\\]http[/\\][0-9a-f]{16}\.json$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('never puts a secret in a file name or in file contents', async () => {
    const secret = 'sk_live_9f8e7d6c5b4a';
    const keyed = await DiskCache.open({ dir, clock, secrets: [secret] });
    const key = cacheKey('newsapi', `https://newsapi.org/v2/everything?q=btc&apiKey=${secret}`, [secret]);
    const path = cacheKey('finnhub', `/api/v1/quote/${secret}?symbol=AAPL`, [secret]);
    await keyed.lookup({
      source: 'newsapi',
      key,
      ttlMs: TTL_MS,
      // An API that echoes the key back in its body: the cache scrubs it before writing.
      fetch: async () => ({ note: `your key ${secret} is fine`, [secret]: 1 }),
    });
    await keyed.set({ source: 'finnhub', key: path, value: { c: 1 }, ttlMs: TTL_MS });
    // A raw key that still holds the secret is scrubbed too.
    await keyed.set({ source: 'newsapi', key: `newsapi:/v2/top?apiKey=${secret}`, value: 1, ttlMs: TTL_MS });

    const names = await listTree(dir);
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      expect(name).not.toContain(secret);
      if (name.endsWith('.json')) expect(await readFile(join(dir, name), 'utf8')).not.toContain(secret);
    }
    expect(JSON.stringify(await keyed.list())).not.toContain(secret);
  });

  it('list() describes every entry, clear(source) removes only that source', async () => {
    await cache.set({ source: 'hn', key: 'hn:/a', value: { a: 1 }, ttlMs: TTL_MS });
    await cache.set({ source: 'hn', key: 'hn:/b', value: { b: 2 }, ttlMs: TTL_MS });
    await cache.set({ source: 'gdelt', key: 'gdelt:/c', value: 'c', ttlMs: 5_000 });
    await writeFile(join(dir, 'http', `${'0'.repeat(64)}.json`), 'corrupt');

    const listing = await cache.list();
    expect(listing.map(({ key, source, ttlMs, fetchedAt }) => ({ key, source, ttlMs, fetchedAt }))).toEqual([
      { key: 'gdelt:/c', source: 'gdelt', ttlMs: 5_000, fetchedAt: clock.now() },
      { key: 'hn:/a', source: 'hn', ttlMs: TTL_MS, fetchedAt: clock.now() },
      { key: 'hn:/b', source: 'hn', ttlMs: TTL_MS, fetchedAt: clock.now() },
    ]);
    for (const row of listing) {
      expect(row.sizeBytes).toBe((await stat(row.file)).size);
    }

    expect(await cache.clear('hn')).toBe(2);
    expect(await cache.get('hn:/a')).toBeUndefined();
    expect((await cache.list()).map((row) => row.key)).toEqual(['gdelt:/c']);
    expect(await cache.clear()).toBe(1);
    expect(await cache.list()).toEqual([]);
  });

  it('serves the FallbackCache shape used by staleCacheFallback', async () => {
    const fallback = cache.asFallbackCache<{ price: number }>(TTL_MS);
    expect(await fallback.get('coingecko:/simple/price')).toBeUndefined();
    await fallback.set('coingecko:/simple/price', { price: 42 });
    await clock.advance(1_000);
    expect(await fallback.get('coingecko:/simple/price')).toEqual({ value: { price: 42 }, storedAt: clock.now() - 1_000 });
    expect((await (await freshCache()).list())[0]).toMatchObject({ key: 'coingecko:/simple/price', source: 'coingecko' });
  });

  describe('an unwritable cache directory', () => {
    it('open() throws QAHT_ERR_CACHE_DIR with a one-line reason when a parent is a regular file', async () => {
      const parentFile = join(dir, 'not-a-dir');
      await writeFile(parentFile, 'x');
      const target = join(parentFile, 'cache');
      const error = await DiskCache.open({ dir: target }).catch((e: unknown) => e);
      expect(isQahtError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'QAHT_ERR_CACHE_DIR' });
      expect((error as Error).message).toBe(`cache directory ${target} is not writable: a path component is not a directory`);
    });

    it('open() throws QAHT_ERR_CACHE_DIR when the path itself is a file', async () => {
      const file = join(dir, 'file');
      await writeFile(file, 'x');
      await expect(DiskCache.open({ dir: file })).rejects.toMatchObject({ code: 'QAHT_ERR_CACHE_DIR' });
    });

    it('a cache built without open() still serves fetched data, memory only, counting write errors', async () => {
      const parentFile = join(dir, 'blocker');
      await writeFile(parentFile, 'x');
      const memoryOnly = new DiskCache({ dir: join(parentFile, 'cache'), clock, monitor });
      const fetch = async () => 5;
      expect(await memoryOnly.lookup({ source: 's', key: 's:/k', ttlMs: TTL_MS, fetch })).toMatchObject({ status: 'fresh', value: 5 });
      expect(await memoryOnly.lookup({ source: 's', key: 's:/k', ttlMs: TTL_MS, fetch })).toMatchObject({ status: 'cached', value: 5 });
      expect(monitor.get('cache.write_error')).toBe(1);
      expect(monitor.get('cache.lock_error')).toBe(1);
    });
  });

  it('open() sweeps temp files orphaned by a killed writer, but not recent ones', async () => {
    const old = join(dir, 'http', `${'a'.repeat(64)}.json.123.abcdef.tmp`);
    const recent = join(dir, 'http', `${'b'.repeat(64)}.json.123.abcdef.tmp`);
    const oldState = join(dir, 'state.json.123.abcdef.tmp');
    const notOurs = join(dir, 'notes.tmp');
    for (const file of [old, recent, oldState, notOurs]) await writeFile(file, 'partial');
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const file of [old, oldState, notOurs]) await utimes(file, hourAgo, hourAgo);
    await freshCache();
    expect(await exists(old)).toBe(false);
    expect(await exists(oldState)).toBe(false);
    expect(await exists(recent)).toBe(true);
    expect(await exists(notOurs)).toBe(true);
  });
});

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

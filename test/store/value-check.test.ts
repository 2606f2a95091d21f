import { describe, expect, it } from 'vitest';
import { QahtError } from '../../src/errors.js';
import { DiskCache } from '../../src/store/file/disk-cache.js';
import type { ManualClock } from '../helpers/manual-clock.js';
import { type CountingMonitor, useCacheFixture } from './store-helpers.js';

const TTL_MS = 60_000;
const KEY = 'coingecko:coins/markets?vs_currency=usd&top=250';
const isList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

// Issue 13 items 3 and 4: one shape check for a value fetched and a value cached.
describe('a lookup with a value check', () => {
  let dir: string;
  let clock: ManualClock;
  let monitor: CountingMonitor;
  let cache: DiskCache;
  useCacheFixture((fixture) => ({ dir, clock, monitor, cache } = fixture));

  const lookup = (reader: DiskCache, fetch?: () => Promise<unknown>, options: { offline?: boolean } = {}) =>
    reader.view(options.offline ? 'offline' : 'normal').lookup<string[]>({
      source: 'coingecko',
      key: KEY,
      ttlMs: TTL_MS,
      validate: isList,
      ...(fetch ? { fetch: async () => (await fetch()) as string[] } : {}),
    });

  it('a cached value of the wrong type (checksum valid) is a miss, then a refetch', async () => {
    await cache.set({ source: 'coingecko', key: KEY, value: 'not a list', ttlMs: TTL_MS });
    const reader = await DiskCache.open({ dir, clock, monitor });
    expect(await lookup(reader, async () => ['bitcoin'])).toMatchObject({ status: 'fresh', value: ['bitcoin'] });
    expect(monitor.get('cache.invalid')).toBe(1);
    expect((await (await DiskCache.open({ dir, clock })).get(KEY))?.value).toEqual(['bitcoin']);
  });

  it('...and is never served, not even as stale when the refetch fails or the run is offline', async () => {
    await cache.set({ source: 'coingecko', key: KEY, value: { data: 'oops' }, ttlMs: TTL_MS });
    await clock.advance(2 * TTL_MS);
    const reader = await DiskCache.open({ dir, clock, monitor });
    const failing = await lookup(reader, async () => {
      throw new QahtError('QAHT_ERR_HTTP_STATUS', 'HTTP 503');
    });
    expect(failing).toMatchObject({ status: 'failed' });
    expect(failing.value).toBeUndefined();
    expect(await lookup(reader, undefined, { offline: true })).toMatchObject({ status: 'failed' });
  });

  it('a fetched value of the wrong shape is a failed fetch: the good entry serves stale and stays', async () => {
    await cache.set({ source: 'coingecko', key: KEY, value: ['good'], ttlMs: TTL_MS });
    await clock.advance(2 * TTL_MS);
    const reader = await DiskCache.open({ dir, clock, monitor });
    const result = await lookup(reader, async () => 'no longer a list');
    expect(result).toMatchObject({ status: 'stale', value: ['good'] });
    expect((result.error as Error).message).toBe('coingecko returned data of an unexpected shape');
    expect((await (await DiskCache.open({ dir, clock })).get(KEY))?.value).toEqual(['good']);
  });

  it('a memory hit is checked once, not on every lookup', async () => {
    let checks = 0;
    const counting = (value: unknown): value is string[] => {
      checks++;
      return isList(value);
    };
    const fetch = async () => ['x'];
    await cache.lookup({ source: 'coingecko', key: KEY, ttlMs: TTL_MS, validate: counting, fetch });
    for (let i = 0; i < 3; i++) await cache.lookup({ source: 'coingecko', key: KEY, ttlMs: TTL_MS, validate: counting, fetch });
    expect(checks).toBe(1);
  });
});

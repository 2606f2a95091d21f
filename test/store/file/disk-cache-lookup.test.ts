import { describe, expect, it } from 'vitest';
import { QahtError } from '../../../src/errors.js';
import type { CacheMode, LookupOptions } from '../../../src/store/cache-types.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { flushMicrotasks, type ManualClock } from '../../helpers/manual-clock.js';
import { type CountingMonitor, useCacheFixture, waitUntil } from '../store-helpers.js';

const TTL_MS = 60_000;
const KEY = 'coingecko:/coins/markets?vs_currency=usd';

/** A fetch stub that counts its calls and answers from a queue (an Error in the queue is thrown). */
function stubFetch<T>(...answers: Array<T | Error>) {
  const calls: number[] = [];
  const fetch = async (): Promise<T> => {
    calls.push(calls.length + 1);
    const answer = answers.shift();
    if (answer === undefined) throw new Error('unexpected fetch');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch, calls };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('DiskCache lookup order, per cache mode', () => {
  let dir: string;
  let clock: ManualClock;
  let monitor: CountingMonitor;
  let cache: DiskCache;
  useCacheFixture((fixture) => ({ dir, clock, monitor, cache } = fixture));

  const lookup = (options: Partial<LookupOptions<{ n: number }>> = {}, target: DiskCache = cache, mode: CacheMode = 'normal') =>
    target.view(mode).lookup<{ n: number }>({ source: 'coingecko', key: KEY, ttlMs: TTL_MS, ...options });
  const forced = (options: Partial<LookupOptions<{ n: number }>> = {}, target: DiskCache = cache) =>
    lookup(options, target, 'force-refresh');
  const offline = (options: Partial<LookupOptions<{ n: number }>> = {}) => lookup(options, cache, 'offline');

  it('fetches on a miss (fresh), then serves from cache within the TTL (cached) without fetching', async () => {
    const upstream = stubFetch({ n: 1 });
    const first = await lookup({ fetch: upstream.fetch });
    expect(first).toEqual({ status: 'fresh', value: { n: 1 }, fetchedAt: clock.now(), ageMs: 0 });

    await clock.advance(TTL_MS - 1);
    const second = await lookup({ fetch: upstream.fetch });
    expect(second).toMatchObject({ status: 'cached', value: { n: 1 }, ageMs: TTL_MS - 1 });
    expect(upstream.calls).toHaveLength(1);
    expect(monitor.get('cache_misses')).toBe(1);
    expect(monitor.get('cache_hits')).toBe(1);
  });

  it('refetches once the TTL has passed', async () => {
    await lookup({ fetch: stubFetch({ n: 1 }).fetch });
    await clock.advance(TTL_MS);
    const upstream = stubFetch({ n: 2 });
    const result = await lookup({ fetch: upstream.fetch });
    expect(result).toMatchObject({ status: 'fresh', value: { n: 2 } });
    expect(upstream.calls).toHaveLength(1);
  });

  it('serves the expired entry as stale when the fetch fails, within maxStaleMs', async () => {
    await lookup({ fetch: stubFetch({ n: 1 }).fetch });
    await clock.advance(TTL_MS + 5_000);
    const failure = new QahtError('QAHT_ERR_CONNECTION', 'connection refused');
    const result = await lookup({ fetch: stubFetch<{ n: number }>(failure).fetch, maxStaleMs: 3_600_000 });
    expect(result).toEqual({
      status: 'stale',
      value: { n: 1 },
      fetchedAt: clock.now() - TTL_MS - 5_000,
      ageMs: TTL_MS + 5_000,
      error: failure,
      staleBeyondMaxAge: false,
    });
    expect(monitor.get('cache.stale')).toBe(1);
  });

  it('still serves an entry older than maxStaleMs, loudly marked staleBeyondMaxAge', async () => {
    await lookup({ fetch: stubFetch({ n: 1 }).fetch });
    await clock.advance(2 * 3_600_000);
    const result = await lookup({ fetch: stubFetch<{ n: number }>(new Error('down')).fetch, maxStaleMs: 3_600_000 });
    expect(result).toMatchObject({ status: 'stale', value: { n: 1 }, staleBeyondMaxAge: true, ageMs: 2 * 3_600_000 });
  });

  it('fails with the fetch error when nothing is cached', async () => {
    const failure = new Error('boom');
    const result = await lookup({ fetch: stubFetch<{ n: number }>(failure).fetch });
    expect(result).toEqual({ status: 'failed', error: failure });
    expect(monitor.get('cache_misses')).toBe(1);
  });

  it('force-refresh fetches even within the TTL', async () => {
    await lookup({ fetch: stubFetch({ n: 1 }).fetch });
    await clock.advance(1_000);
    const upstream = stubFetch({ n: 2 });
    const result = await forced({ fetch: upstream.fetch });
    expect(result).toMatchObject({ status: 'fresh', value: { n: 2 }, ageMs: 0 });
    expect(upstream.calls).toHaveLength(1);
  });

  it('force-refresh that fails serves the entry marked stale with the error, even within its TTL', async () => {
    await lookup({ fetch: stubFetch({ n: 1 }).fetch });
    await clock.advance(1_000);
    const failure = new Error('down');
    const result = await forced({ fetch: stubFetch<{ n: number }>(failure).fetch });
    expect(result).toMatchObject({ status: 'stale', value: { n: 1 }, error: failure, staleBeyondMaxAge: false });
    expect(monitor.get('cache.stale')).toBe(1);
  });

  it('force-refresh without a way to fetch serves the entry marked stale: the refresh did not happen', async () => {
    await lookup({ fetch: stubFetch({ n: 1 }).fetch });
    await clock.advance(1_000);
    expect(await forced({})).toMatchObject({ status: 'stale', value: { n: 1 } });
  });

  it('force-refresh past the TTL that fails serves stale', async () => {
    await lookup({ fetch: stubFetch({ n: 1 }).fetch });
    await clock.advance(TTL_MS * 3);
    const result = await forced({ fetch: stubFetch<{ n: number }>(new Error('down')).fetch });
    expect(result).toMatchObject({ status: 'stale', value: { n: 1 }, staleBeyondMaxAge: false });
  });

  describe('offline', () => {
    it('serves an entry of any age as stale and never fetches', async () => {
      await lookup({ fetch: stubFetch({ n: 1 }).fetch });
      await clock.advance(30 * 24 * 3_600_000);
      const upstream = stubFetch<{ n: number }>();
      const result = await offline({ fetch: upstream.fetch, maxStaleMs: 3_600_000 });
      expect(result).toMatchObject({ status: 'stale', value: { n: 1 }, staleBeyondMaxAge: true });
      expect(result.error).toBeUndefined();
      expect(upstream.calls).toHaveLength(0);
    });

    it('serves an entry within its TTL as cached', async () => {
      await lookup({ fetch: stubFetch({ n: 1 }).fetch });
      await clock.advance(10);
      const upstream = stubFetch<{ n: number }>();
      expect(await offline({ fetch: upstream.fetch })).toMatchObject({ status: 'cached', value: { n: 1 } });
      expect(upstream.calls).toHaveLength(0);
    });

    it('fails with QAHT_ERR_NO_DATA when nothing is cached, without fetching', async () => {
      const upstream = stubFetch<{ n: number }>();
      const result = await offline({ fetch: upstream.fetch });
      expect(result.status).toBe('failed');
      expect(result.value).toBeUndefined();
      expect(result.error).toBeInstanceOf(QahtError);
      expect((result.error as QahtError).code).toBe('QAHT_ERR_NO_DATA');
      expect(upstream.calls).toHaveLength(0);
    });
  });

  it('single flight: 10 concurrent identical lookups share one fetch', async () => {
    const gate = deferred<{ n: number }>();
    let calls = 0;
    const fetch = (): Promise<{ n: number }> => {
      calls++;
      return gate.promise;
    };
    const lookups = Array.from({ length: 10 }, () => lookup({ fetch }));
    await flushMicrotasks();
    gate.resolve({ n: 7 });
    const results = await Promise.all(lookups);
    expect(calls).toBe(1);
    for (const result of results) expect(result).toMatchObject({ status: 'fresh', value: { n: 7 } });
  });

  it('a refresh that waited for another holder of the lock serves what that holder wrote, without fetching', async () => {
    // Two caches on one dir behave like two processes: separate memory, shared files and locks.
    const other = await DiskCache.open({ dir, clock });
    const gate = deferred<{ n: number }>();
    let firstFetching = false;
    const first = lookup({
      fetch: () => {
        firstFetching = true;
        return gate.promise;
      },
    });
    await waitUntil(() => firstFetching); // it holds the lock now
    const upstream = stubFetch<{ n: number }>();
    const second = lookup({ fetch: upstream.fetch }, other);
    await waitUntil(() => clock.pendingSleeps === 1); // the second is polling for the lock

    await clock.advance(5);
    gate.resolve({ n: 1 });
    expect(await first).toMatchObject({ status: 'fresh', value: { n: 1 } });
    await clock.advance(1_000);
    expect(await second).toMatchObject({ status: 'cached', value: { n: 1 } });
    expect(upstream.calls).toHaveLength(0);
  });

  it('force-refresh also accepts what a peer wrote after the lookup started, but not an older entry', async () => {
    await lookup({ fetch: stubFetch({ n: 0 }).fetch });
    await clock.advance(1_000);
    const other = await DiskCache.open({ dir, clock });
    const gate = deferred<{ n: number }>();
    let firstFetching = false;
    const first = forced({
      fetch: () => {
        firstFetching = true;
        return gate.promise;
      },
    });
    await waitUntil(() => firstFetching);
    const upstream = stubFetch<{ n: number }>();
    const second = forced({ fetch: upstream.fetch }, other);
    await waitUntil(() => clock.pendingSleeps === 1);
    gate.resolve({ n: 1 });
    expect(await first).toMatchObject({ status: 'fresh', value: { n: 1 } });
    await clock.advance(1_000);
    expect(await second).toMatchObject({ status: 'cached', value: { n: 1 } });
    expect(upstream.calls).toHaveLength(0);

    // Forcing again later ignores that (older) entry and fetches.
    const again = stubFetch({ n: 2 });
    expect(await forced({ fetch: again.fetch }, other)).toMatchObject({ status: 'fresh', value: { n: 2 } });
  });

  it('without a fetch function it serves the cache like offline', async () => {
    expect((await lookup({})).status).toBe('failed');
    await cache.set({ source: 'coingecko', key: KEY, value: { n: 3 }, ttlMs: TTL_MS });
    await clock.advance(TTL_MS * 2);
    expect(await lookup({})).toMatchObject({ status: 'stale', value: { n: 3 } });
  });
});

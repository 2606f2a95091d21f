import { describe, expect, it } from 'vitest';
import { QahtError } from '../../src/errors.js';
import type { FetchOutcome, LookupOptions, Validators } from '../../src/store/cache-types.js';
import { DiskCache } from '../../src/store/disk-cache.js';
import { flushMicrotasks, type ManualClock } from '../helpers/manual-clock.js';
import { type CountingMonitor, useCacheFixture, waitUntil } from './store-helpers.js';

const TTL_MS = 60_000;
const KEY = 'coingecko:/coins/markets?vs_currency=usd';

/** A fetch stub that records its calls and answers from a queue (an Error in the queue is thrown). */
function stubFetch<T>(...answers: Array<FetchOutcome<T> | Error>) {
  const calls: Validators[] = [];
  const fetch = async (validators: Validators): Promise<FetchOutcome<T>> => {
    calls.push(validators);
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

describe('DiskCache.lookup order', () => {
  let dir: string;
  let clock: ManualClock;
  let monitor: CountingMonitor;
  let cache: DiskCache;
  useCacheFixture((fixture) => ({ dir, clock, monitor, cache } = fixture));

  const lookup = (options: Partial<LookupOptions<{ n: number }>> = {}, target: DiskCache = cache) =>
    target.lookup<{ n: number }>({ source: 'coingecko', key: KEY, ttlMs: TTL_MS, ...options });

  it('fetches on a miss (fresh), then serves from cache within the TTL (cached) without fetching', async () => {
    const upstream = stubFetch({ kind: 'data', value: { n: 1 } });
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
    await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
    await clock.advance(TTL_MS);
    const upstream = stubFetch({ kind: 'data', value: { n: 2 } });
    const result = await lookup({ fetch: upstream.fetch });
    expect(result).toMatchObject({ status: 'fresh', value: { n: 2 } });
    expect(upstream.calls).toHaveLength(1);
  });

  it('serves the expired entry as stale when the fetch fails, within maxStaleMs', async () => {
    await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
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
    await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
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

  it('forceRefresh fetches even within the TTL', async () => {
    await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
    await clock.advance(1_000);
    const upstream = stubFetch({ kind: 'data', value: { n: 2 } });
    const result = await lookup({ fetch: upstream.fetch, forceRefresh: true });
    expect(result).toMatchObject({ status: 'fresh', value: { n: 2 }, ageMs: 0 });
    expect(upstream.calls).toHaveLength(1);
  });

  it('forceRefresh that fails serves the cached entry with the error (cached: it is within its TTL)', async () => {
    await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
    await clock.advance(1_000);
    const failure = new Error('down');
    const result = await lookup({ fetch: stubFetch<{ n: number }>(failure).fetch, forceRefresh: true });
    expect(result).toMatchObject({ status: 'cached', value: { n: 1 }, error: failure });
  });

  it('forceRefresh past the TTL that fails serves stale', async () => {
    await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
    await clock.advance(TTL_MS * 3);
    const result = await lookup({ fetch: stubFetch<{ n: number }>(new Error('down')).fetch, forceRefresh: true });
    expect(result).toMatchObject({ status: 'stale', value: { n: 1 }, staleBeyondMaxAge: false });
  });

  describe('offline', () => {
    it('serves an entry of any age as stale and never fetches', async () => {
      await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
      await clock.advance(30 * 24 * 3_600_000);
      const upstream = stubFetch<{ n: number }>();
      const result = await lookup({ fetch: upstream.fetch, offline: true, maxStaleMs: 3_600_000 });
      expect(result).toMatchObject({ status: 'stale', value: { n: 1 }, staleBeyondMaxAge: true });
      expect(result.error).toBeUndefined();
      expect(upstream.calls).toHaveLength(0);
    });

    it('serves an entry within its TTL as cached', async () => {
      await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
      await clock.advance(10);
      const upstream = stubFetch<{ n: number }>();
      expect(await lookup({ fetch: upstream.fetch, offline: true })).toMatchObject({ status: 'cached', value: { n: 1 } });
      expect(upstream.calls).toHaveLength(0);
    });

    it('fails with QAHT_ERR_NO_DATA when nothing is cached, without fetching', async () => {
      const upstream = stubFetch<{ n: number }>();
      const result = await lookup({ fetch: upstream.fetch, offline: true });
      expect(result.status).toBe('failed');
      expect(result.value).toBeUndefined();
      expect(result.error).toBeInstanceOf(QahtError);
      expect((result.error as QahtError).code).toBe('QAHT_ERR_NO_DATA');
      expect(upstream.calls).toHaveLength(0);
    });
  });

  describe('conditional refresh', () => {
    it('passes the validators and, on not-modified, refreshes fetchedAt and serves the old value as fresh', async () => {
      await lookup({
        fetch: stubFetch({ kind: 'data', value: { n: 1 }, etag: '"v1"', lastModified: 'Sat, 28 Nov 2026 10:00:00 GMT' }).fetch,
      });
      await clock.advance(TTL_MS + 1);
      const upstream = stubFetch<{ n: number }>({ kind: 'not-modified' });
      const result = await lookup({ fetch: upstream.fetch });
      expect(upstream.calls).toEqual([{ etag: '"v1"', lastModified: 'Sat, 28 Nov 2026 10:00:00 GMT' }]);
      expect(result).toEqual({ status: 'fresh', value: { n: 1 }, fetchedAt: clock.now(), ageMs: 0 });

      // The refresh reached the disk: a new process sees the new fetchedAt, validators kept.
      const reopened = await DiskCache.open({ dir, clock });
      expect(await reopened.get(KEY)).toMatchObject({ fetchedAt: clock.now(), etag: '"v1"', value: { n: 1 } });
      await clock.advance(TTL_MS - 1);
      expect((await lookup({}, reopened)).status).toBe('cached');
    });

    it('passes no validators when the entry has none', async () => {
      await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 1 } }).fetch });
      await clock.advance(TTL_MS);
      const upstream = stubFetch({ kind: 'data', value: { n: 2 } });
      await lookup({ fetch: upstream.fetch });
      expect(upstream.calls).toEqual([{}]);
    });

    it('treats not-modified without a cached entry as a failure', async () => {
      const result = await lookup({ fetch: stubFetch<{ n: number }>({ kind: 'not-modified' }).fetch });
      expect(result.status).toBe('failed');
      expect((result.error as QahtError).code).toBe('QAHT_ERR_INVALID_DATA');
    });
  });

  it('single flight: 10 concurrent identical lookups share one fetch', async () => {
    const gate = deferred<FetchOutcome<{ n: number }>>();
    let calls = 0;
    const fetch = (): Promise<FetchOutcome<{ n: number }>> => {
      calls++;
      return gate.promise;
    };
    const lookups = Array.from({ length: 10 }, () => lookup({ fetch }));
    await flushMicrotasks();
    gate.resolve({ kind: 'data', value: { n: 7 } });
    const results = await Promise.all(lookups);
    expect(calls).toBe(1);
    for (const result of results) expect(result).toMatchObject({ status: 'fresh', value: { n: 7 } });
  });

  it('a refresh that waited for another holder of the lock serves what that holder wrote, without fetching', async () => {
    // Two caches on one dir behave like two processes: separate memory, shared files and locks.
    const other = await DiskCache.open({ dir, clock });
    const gate = deferred<FetchOutcome<{ n: number }>>();
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
    gate.resolve({ kind: 'data', value: { n: 1 } });
    expect(await first).toMatchObject({ status: 'fresh', value: { n: 1 } });
    await clock.advance(1_000);
    expect(await second).toMatchObject({ status: 'cached', value: { n: 1 } });
    expect(upstream.calls).toHaveLength(0);
  });

  it('forceRefresh also accepts what a peer wrote after the lookup started, but not an older entry', async () => {
    await lookup({ fetch: stubFetch({ kind: 'data', value: { n: 0 } }).fetch });
    await clock.advance(1_000);
    const other = await DiskCache.open({ dir, clock });
    const gate = deferred<FetchOutcome<{ n: number }>>();
    let firstFetching = false;
    const first = lookup({
      forceRefresh: true,
      fetch: () => {
        firstFetching = true;
        return gate.promise;
      },
    });
    await waitUntil(() => firstFetching);
    const upstream = stubFetch<{ n: number }>();
    const second = lookup({ fetch: upstream.fetch, forceRefresh: true }, other);
    await waitUntil(() => clock.pendingSleeps === 1);
    gate.resolve({ kind: 'data', value: { n: 1 } });
    expect(await first).toMatchObject({ status: 'fresh', value: { n: 1 } });
    await clock.advance(1_000);
    expect(await second).toMatchObject({ status: 'cached', value: { n: 1 } });
    expect(upstream.calls).toHaveLength(0);

    // Forcing again later ignores that (older) entry and fetches.
    const again = stubFetch({ kind: 'data', value: { n: 2 } });
    expect(await lookup({ fetch: again.fetch, forceRefresh: true }, other)).toMatchObject({ status: 'fresh', value: { n: 2 } });
  });

  it('without a fetch function it serves the cache like offline', async () => {
    expect((await lookup({})).status).toBe('failed');
    await cache.set({ source: 'coingecko', key: KEY, value: { n: 3 }, ttlMs: TTL_MS });
    await clock.advance(TTL_MS * 2);
    expect(await lookup({})).toMatchObject({ status: 'stale', value: { n: 3 } });
  });
});

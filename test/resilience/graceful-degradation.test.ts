import { describe, expect, it, vi } from 'vitest';
import {
  GracefulDegradation,
  multiSourceFetch,
  staleCacheFallback,
  type FallbackCache,
} from '../../src/resilience/graceful-degradation.js';
import { ManualClock } from '../helpers/manual-clock.js';

const HOUR = 3_600_000;

/** An in-memory FallbackCache whose entries are stamped with the manual clock. */
class MemoryCache implements FallbackCache {
  readonly entries = new Map<string, { value: unknown; storedAt: number }>();
  constructor(private readonly clock: ManualClock) {}
  async get(key: string): Promise<{ value: unknown; storedAt: number } | undefined> {
    return this.entries.get(key);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.entries.set(key, { value, storedAt: this.clock.now() });
  }
}

describe('multiSourceFetch', () => {
  it('runs sources concurrently and returns what worked, with a report per source', async () => {
    const clock = new ManualClock();
    let releaseSlow!: (value: number[]) => void;
    const started: string[] = [];
    const pending = multiSourceFetch<number[]>(
      {
        slow: () => {
          started.push('slow');
          return new Promise((resolve) => (releaseSlow = resolve));
        },
        broken: async () => {
          started.push('broken');
          throw new Error('HTTP 500');
        },
        quick: async () => {
          started.push('quick');
          return [1];
        },
      },
      { now: () => clock.now() },
    );
    expect(started).toEqual(['slow', 'broken', 'quick']);
    await clock.advance(250);
    releaseSlow([2, 3]);
    const { results, report, failures } = await pending;
    expect(results).toEqual({ slow: [2, 3], quick: [1] });
    expect(failures).toEqual(['broken']);
    expect(report.slow).toEqual({ ok: true, durationMs: 250 });
    expect(report.quick).toEqual({ ok: true, durationMs: 0 });
    expect(report.broken?.ok).toBe(false);
    expect((report.broken!.error as Error).message).toBe('HTTP 500');
  });

  it('never throws: all failing (even synchronously) gives empty results and the report', async () => {
    const outcome = await GracefulDegradation.multiSourceFetch({
      a: async () => {
        throw new Error('down');
      },
      b: () => {
        throw new Error('sync throw');
      },
    });
    expect(outcome.results).toEqual({});
    expect(outcome.failures).toEqual(['a', 'b']);
    expect(Object.keys(outcome.report)).toEqual(['a', 'b']);
  });

  it('handles no sources', async () => {
    await expect(multiSourceFetch({})).resolves.toEqual({ results: {}, report: {}, failures: [] });
  });
});

describe('staleCacheFallback', () => {
  it('returns a fresh fetch and stores it', async () => {
    const clock = new ManualClock();
    const cache = new MemoryCache(clock);
    const result = await staleCacheFallback({ fetch: async () => 'new', cacheKey: 'k', maxAgeHours: 6, cache, clock });
    expect(result).toEqual({ value: 'new', status: 'fresh', ageMs: 0 });
    expect(cache.entries.get('k')).toEqual({ value: 'new', storedAt: clock.now() });
  });

  it('falls back to recent cache when the fetch fails', async () => {
    const clock = new ManualClock();
    const cache = new MemoryCache(clock);
    await cache.set('k', 'old');
    await clock.advance(2 * HOUR);
    const failure = new Error('timeout');
    const result = await staleCacheFallback({ fetch: () => Promise.reject(failure), cacheKey: 'k', maxAgeHours: 6, cache, clock });
    expect(result).toEqual({ value: 'old', status: 'cached', ageMs: 2 * HOUR, error: failure });
  });

  it('serves cache older than maxAgeHours as stale, with a warning', async () => {
    const clock = new ManualClock();
    const cache = new MemoryCache(clock);
    await cache.set('k', 'ancient');
    await clock.advance(72 * HOUR);
    const result = await staleCacheFallback({
      fetch: () => Promise.reject(new Error('HTTP 503')),
      cacheKey: 'k',
      maxAgeHours: 6,
      cache,
      clock,
    });
    expect(result.status).toBe('stale');
    expect(result.value).toBe('ancient');
    expect(result.ageMs).toBe(72 * HOUR);
    expect(result.warning).toMatch(/3 d old.*HTTP 503/);
  });

  it('rethrows the fetch error when nothing is cached, or the cache itself fails', async () => {
    const clock = new ManualClock();
    const failure = new Error('offline');
    await expect(
      staleCacheFallback({ fetch: () => Promise.reject(failure), cacheKey: 'k', maxAgeHours: 6, cache: new MemoryCache(clock), clock }),
    ).rejects.toBe(failure);
    const broken: FallbackCache = { get: () => Promise.reject(new Error('EIO')), set: () => Promise.reject(new Error('EIO')) };
    await expect(
      staleCacheFallback({ fetch: () => Promise.reject(failure), cacheKey: 'k', maxAgeHours: 6, cache: broken, clock }),
    ).rejects.toBe(failure);
  });

  it('still returns fresh data when storing it fails, with a warning', async () => {
    const broken: FallbackCache = { get: async () => undefined, set: () => Promise.reject(new Error('ENOSPC')) };
    const result = await staleCacheFallback({
      fetch: async () => 1,
      cacheKey: 'k',
      maxAgeHours: 1,
      cache: broken,
      clock: new ManualClock(),
    });
    expect(result).toMatchObject({ value: 1, status: 'fresh' });
    expect(result.warning).toMatch(/ENOSPC/);
  });

  it('with freshTtlMs, answers from a young cache entry without fetching', async () => {
    const clock = new ManualClock();
    const cache = new MemoryCache(clock);
    await cache.set('k', 'cached');
    await clock.advance(30_000);
    const fetch = vi.fn(async () => 'new');
    const young = await staleCacheFallback({ fetch, cacheKey: 'k', maxAgeHours: 6, cache, clock, freshTtlMs: 60_000 });
    expect(young).toEqual({ value: 'cached', status: 'cached', ageMs: 30_000 });
    expect(fetch).not.toHaveBeenCalled();
    await clock.advance(30_001);
    const refreshed = await staleCacheFallback({ fetch, cacheKey: 'k', maxAgeHours: 6, cache, clock, freshTtlMs: 60_000 });
    expect(refreshed.status).toBe('fresh');
    expect(fetch).toHaveBeenCalledOnce();
  });
});

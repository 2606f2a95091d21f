import { describe, expect, it } from 'vitest';
import { PerformanceMonitor, percentile } from '../../src/perf/performance-monitor.js';
import { ManualClock } from '../helpers/manual-clock.js';

function monitorOn(clock: ManualClock, options: { maxSamples?: number } = {}): PerformanceMonitor {
  return new PerformanceMonitor({ clock, now: () => clock.now(), ...options });
}

describe('PerformanceMonitor', () => {
  it('times async functions, including ones that reject (counted as errors and rethrown)', async () => {
    const clock = new ManualClock();
    const monitor = monitorOn(clock);
    const ok = monitor.time('coingecko', async () => {
      await clock.sleep(120);
      return 'rows';
    });
    const bad = monitor.time('coingecko', async () => {
      await clock.sleep(300);
      throw new Error('HTTP 500');
    });
    const badSettled = expect(bad).rejects.toThrow('HTTP 500');
    await clock.advance(300);
    await expect(ok).resolves.toBe('rows');
    await badSettled;
    const stats = monitor.getStats();
    expect(stats.timings.coingecko).toEqual({ count: 2, mean: 210, p95: 300, min: 120, max: 300 });
    expect(stats.errors).toEqual({ coingecko: 1 });
  });

  it('times sync functions and returns their value directly', () => {
    const clock = new ManualClock();
    const monitor = monitorOn(clock);
    const value = monitor.time('parse', () => {
      clock.set(clock.now() + 7);
      return 42;
    });
    expect(value).toBe(42);
    expect(() =>
      monitor.time('parse', () => {
        throw new SyntaxError('bad json');
      }),
    ).toThrow('bad json');
    expect(monitor.getStats().timings.parse).toMatchObject({ count: 2, min: 0, max: 7 });
    expect(monitor.getStats().errors).toEqual({ parse: 1 });
  });

  it('computes nearest-rank p95 over recorded durations', () => {
    const monitor = monitorOn(new ManualClock());
    for (let ms = 1; ms <= 100; ms++) monitor.record('req', 101 - ms);
    expect(monitor.getStats().timings.req).toEqual({ count: 100, mean: 50.5, p95: 95, min: 1, max: 100 });
    monitor.record('one', 12.5);
    expect(monitor.getStats().timings.one).toEqual({ count: 1, mean: 12.5, p95: 12.5, min: 12.5, max: 12.5 });
  });

  it('keeps count, mean, min and max exact while percentiles use the latest maxSamples', () => {
    const monitor = monitorOn(new ManualClock(), { maxSamples: 10 });
    for (let i = 0; i < 10; i++) monitor.record('r', 1000);
    for (let i = 0; i < 10; i++) monitor.record('r', 1);
    expect(monitor.getStats().timings.r).toEqual({ count: 20, mean: 500.5, p95: 1, min: 1, max: 1000 });
  });

  it('derives the cache hit rate from the seed counters cache_hits and cache_misses', () => {
    const monitor = monitorOn(new ManualClock());
    expect(monitor.getStats().cacheHitRate).toBeNull();
    monitor.increment('cache_hits', 3);
    monitor.increment('cache_misses');
    monitor.increment('http.requests', 5);
    const stats = monitor.getStats();
    expect(stats.cacheHitRate).toBe(0.75);
    expect(stats.counters).toEqual({ cache_hits: 3, cache_misses: 1, 'http.requests': 5 });
  });

  it('reports uptime in seconds and errors per endpoint, as plain JSON', async () => {
    const clock = new ManualClock();
    const monitor = monitorOn(clock);
    monitor.recordError('api.coingecko.com');
    monitor.recordError('api.coingecko.com');
    await clock.advance(2_500);
    const stats = monitor.getStats();
    expect(stats.uptimeS).toBe(2.5);
    expect(stats.errors).toEqual({ 'api.coingecko.com': 2 });
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
  });

  it('rejects non-finite durations and clamps negative ones', () => {
    const monitor = monitorOn(new ManualClock());
    expect(() => monitor.record('x', Number.NaN)).toThrow(RangeError);
    monitor.record('x', -5);
    expect(monitor.getStats().timings.x?.min).toBe(0);
  });
});

describe('PerformanceMonitor on an injected clock (the seed contract)', () => {
  it('measures durations on the clock it is given: 20 operations of 10…200 ms', async () => {
    const clock = new ManualClock();
    const monitor = new PerformanceMonitor({ clock });
    const operations = Array.from({ length: 20 }, (_, i) => monitor.time('op', () => clock.sleep(10 * (i + 1))));
    await clock.advance(200);
    await Promise.all(operations);
    const op = monitor.getStats().timings.op;
    expect(op).toMatchObject({ count: 20, mean: 105, min: 10, max: 200 });
    expect(op?.p95).toBeGreaterThanOrEqual(180);
    expect(op?.p95).toBeLessThanOrEqual(200);
  });

  it('three cache_hits and one cache_misses give a hit rate of 0.75', () => {
    const monitor = new PerformanceMonitor({ clock: new ManualClock() });
    for (let i = 0; i < 3; i++) monitor.increment('cache_hits');
    monitor.increment('cache_misses');
    expect(monitor.getStats().cacheHitRate).toBe(0.75);
  });
});

describe('PerformanceMonitor labels', () => {
  it('keeps labelled series apart in series() and totals them per name in the flat view', () => {
    const clock = new ManualClock();
    const monitor = new PerformanceMonitor({ clock });
    const gecko = { host: 'api.coingecko.com', source: 'coingecko' };
    const hn = { host: 'hn.algolia.com', source: 'hn' };
    monitor.increment('http.requests', 1, gecko);
    monitor.increment('http.requests', 2, hn);
    monitor.record('http', 40, gecko);
    monitor.record('http', 60, gecko);
    monitor.record('http', 10, hn);
    monitor.recordError('http', hn);

    const series = monitor.series();
    expect(series.counters).toEqual([
      { name: 'http.requests', labels: gecko, value: 1 },
      { name: 'http.requests', labels: hn, value: 2 },
    ]);
    expect(series.timings).toEqual([
      { name: 'http', labels: gecko, stats: { count: 2, mean: 50, p95: 60, min: 40, max: 60 } },
      { name: 'http', labels: hn, stats: { count: 1, mean: 10, p95: 10, min: 10, max: 10 } },
    ]);
    expect(series.errors).toEqual([{ name: 'http', labels: hn, value: 1 }]);

    const stats = monitor.getStats();
    expect(stats.counters).toEqual({ 'http.requests': 3 });
    expect(Object.keys(stats.timings)).toEqual(['http.api.coingecko.com', 'http.hn.algolia.com']);
    expect(stats.errors).toEqual({ 'http.hn.algolia.com': 1 });
  });

  it('treats the same labels in any order as one series', () => {
    const monitor = new PerformanceMonitor({ clock: new ManualClock() });
    monitor.increment('x', 1, { a: '1', b: '2' });
    monitor.increment('x', 1, { b: '2', a: '1' });
    expect(monitor.series().counters).toEqual([{ name: 'x', labels: { a: '1', b: '2' }, value: 2 }]);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 20)).toBe(1);
    expect(percentile([], 95)).toBeNaN();
  });
});

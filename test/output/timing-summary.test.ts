import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderStatusLines } from '../../src/output/status-lines.js';
import { renderTimingSummary } from '../../src/output/timing-summary.js';

const plain = new Chalk({ level: 0 });

describe('renderTimingSummary', () => {
  it('shows per host count, mean, p95 and max, labelled by source, then hit rate, retries, 429s and rejections', () => {
    const lines = renderTimingSummary(
      {
        uptimeS: 1.234,
        cacheHitRate: 0.5,
        counters: { cache_hits: 1, cache_misses: 1, 'http.retries': 2, 'http.429': 1, 'http.breaker_rejected': 0 },
        timings: {
          'http.api.coingecko.com': { count: 3, mean: 120, p95: 300, min: 50, max: 310 },
          'cache.read': { count: 1, mean: 1, p95: 1, min: 1, max: 1 },
        },
      },
      plain,
      new Map([['api.coingecko.com', 'coingecko']]),
    );
    expect(lines[0]).toBe('timing: run 1.2s');
    expect(lines[1]).toBe('  api.coingecko.com (coingecko)    3 req  mean 120ms  p95 300ms  max 310ms');
    expect(lines[2]).toBe('  cache hit rate 50% (1/2) · retries 2 · 429s 1 · breaker rejections 0');
  });

  it('says so when the run made no request', () => {
    const lines = renderTimingSummary({ uptimeS: 0.05, cacheHitRate: 1, counters: { cache_hits: 3 }, timings: {} }, plain);
    expect(lines).toContain('  no network requests');
    expect(lines.at(-1)).toContain('cache hit rate 100% (3/3)');
  });
});

describe('renderStatusLines', () => {
  it('uses the JSON status words, ages for cached and stale data, and sanitised reasons', () => {
    const lines = renderStatusLines(
      [
        { name: 'coingecko', status: 'fresh', fetchedAt: 'x', ageSeconds: 0, items: 250, error: null },
        { name: 'binance', status: 'stale', fetchedAt: 'x', ageSeconds: 3 * 3600, items: 237, error: 'HTTP 503 \u001b[31mdown\u001b[0m' },
        { name: 'coincap', status: 'skipped', fetchedAt: null, ageSeconds: null, items: 0, error: 'COINCAP_API_KEY is not set' },
        { name: 'hn', status: 'stale', fetchedAt: 'x', ageSeconds: 9 * 86400, items: 3, error: 'offline', veryStale: true },
      ],
      plain,
    );
    expect(lines[0]).toBe('coingecko  fresh    250 items');
    expect(lines[1]).toBe('binance    stale    237 items, 3h old (HTTP 503 down)');
    expect(lines[2]).toBe('coincap    skipped  COINCAP_API_KEY is not set');
    expect(lines[3]).toContain('VERY STALE');
  });
});

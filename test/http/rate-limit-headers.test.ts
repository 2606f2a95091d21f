import { describe, expect, it } from 'vitest';
import { binanceWeightSignals, parseReset, readRateLimitSignals } from '../../src/http/rate-limit-headers.js';

const NOW = Date.UTC(2026, 10, 29, 10, 0, 15); // 15 s into the minute

describe('readRateLimitSignals', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(readRateLimitSignals({ 'retry-after': '3' }, NOW)).toEqual({ retryAfterMs: 3000 });
    expect(readRateLimitSignals({ 'retry-after': new Date(NOW + 8000).toUTCString() }, NOW)).toEqual({ retryAfterMs: 8000 });
    expect(readRateLimitSignals({ 'retry-after': 'soon' }, NOW)).toEqual({});
  });

  it('reads Binance used weight: nothing below 80 %, a pace above it, a block at the budget', () => {
    expect(readRateLimitSignals({ 'x-mbx-used-weight-1m': '4800' }, NOW)).toEqual({});
    // 1000 weight left, 45 s left in the minute, requests of weight 10: 100 requests, 450 ms apart.
    expect(binanceWeightSignals(5000, NOW, 10)).toEqual({ paceMs: 450 });
    expect(readRateLimitSignals({ 'x-mbx-used-weight-1m': '6000' }, NOW)).toEqual({ blockUntilMs: Date.UTC(2026, 10, 29, 10, 1, 0) });
    expect(readRateLimitSignals({ 'x-mbx-used-weight-1m': '7200' }, NOW).blockUntilMs).toBe(Date.UTC(2026, 10, 29, 10, 1, 0));
  });

  it('blocks until X-RateLimit-Reset only when nothing remains', () => {
    expect(readRateLimitSignals({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' }, NOW)).toEqual({ blockUntilMs: NOW + 30_000 });
    expect(readRateLimitSignals({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '30' }, NOW)).toEqual({});
    expect(readRateLimitSignals({ 'x-ratelimit-remaining': '0' }, NOW)).toEqual({});
  });
});

describe('parseReset', () => {
  it('tells epoch ms, epoch seconds and deltas apart by magnitude', () => {
    expect(parseReset(String(NOW + 5000), NOW)).toBe(NOW + 5000);
    expect(parseReset(String((NOW + 5000) / 1000), NOW)).toBe(NOW + 5000);
    expect(parseReset('5', NOW)).toBe(NOW + 5000);
  });

  it('rejects garbage and caps absurd resets at a day', () => {
    expect(parseReset('x', NOW)).toBeUndefined();
    expect(parseReset('-1', NOW)).toBeUndefined();
    expect(parseReset(String(NOW + 10 * 86_400_000), NOW)).toBe(NOW + 86_400_000);
  });
});

import { describe, expect, it } from 'vitest';
import { computeBackoffMs } from '../../src/resilience/backoff.js';
import { parseRetryAfter } from '../../src/resilience/retry-after.js';

describe('computeBackoffMs', () => {
  it('grows on the 2 s, 4 s, 8 s scale and caps at maxDelayMs without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 2000].map((attempt) => computeBackoffMs(attempt, { jitter: 'none' }));
    expect(delays).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('spreads full jitter over [0, exponential) using the injected random source', () => {
    expect(computeBackoffMs(3, { random: () => 0 })).toBe(0);
    expect(computeBackoffMs(3, { random: () => 0.5 })).toBe(4000);
    expect(computeBackoffMs(3, { random: () => 0.999 })).toBeCloseTo(7992, 6);
    expect(computeBackoffMs(10, { random: () => 0.5 })).toBe(15_000);
  });

  it('keeps decorrelated jitter within [base, 3 × previous] and under the cap', () => {
    expect(computeBackoffMs(1, { jitter: 'decorrelated', random: () => 0 })).toBe(2000);
    expect(computeBackoffMs(1, { jitter: 'decorrelated', random: () => 1 })).toBe(6000);
    expect(computeBackoffMs(2, { jitter: 'decorrelated', random: () => 0.5, previousDelayMs: 6000 })).toBe(10_000);
    expect(computeBackoffMs(5, { jitter: 'decorrelated', random: () => 1, previousDelayMs: 20_000 })).toBe(30_000);
  });

  it('rejects nonsense', () => {
    expect(() => computeBackoffMs(0)).toThrow(/attempt/);
    expect(() => computeBackoffMs(1, { baseDelayMs: -1 })).toThrow(/baseDelayMs/);
    expect(() => computeBackoffMs(1, { jitter: 'wild' as never })).toThrow(/jitter/);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 29, 10, 0, 0);

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('-5', now)).toBe(0);
  });

  it('reads HTTP dates in all three RFC 9110 formats, relative to now', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 29-Nov-26 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sun Nov 29 10:00:05 2026', now)).toBe(5_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for anything else', () => {
    for (const value of [undefined, '', 'soon', '1 2', 'x 2020', '12abc', 'Sun, 32 Nov 2026 10:00:00 GMT', '9'.repeat(400)]) {
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { breakout } from '../../../src/screens/signals/breakout.js';
import { historyAsOf, listedDays } from '../../../src/screens/signals/listing.js';
import { NEEDED_CANDLES } from '../../../src/screens/signals/needed-candles.js';
import { returnPct } from '../../../src/screens/signals/returns.js';
import { rsi14 } from '../../../src/screens/signals/rsi.js';
import { rvol } from '../../../src/screens/signals/rvol.js';
import { squeezePct } from '../../../src/screens/signals/squeeze.js';
import { trend } from '../../../src/screens/signals/trend.js';
import { randomWalk, START } from './series.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** The squeeze percentile straight from its definition, slice by slice, to check the loop against. */
function naiveSqueeze(close: number[]): number {
  const width = (end: number) => {
    const window = close.slice(end - 20, end);
    const mean = window.reduce((a, b) => a + b, 0) / 20;
    const sigma = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
    return (4 * sigma) / mean;
  };
  const today = width(close.length);
  const widths = range(180, (i) => width(close.length - 179 + i));
  return (100 * widths.filter((w) => w <= today).length) / 180;
}

describe('rvol', () => {
  const base = range(30, (i) => i + 1); // median 15.5
  it('is the last volume over the median of the 30 days before it, with exactly 31 days', () => {
    expect(NEEDED_CANDLES.rvol).toBe(31);
    expect(rvol([...base, 62])).toBe(4);
  });
  it('reads only the 30 days before: older days do not count', () => {
    expect(rvol([1e12, ...base, 62])).toBe(4);
  });
  it('is null with 30 days, and when the median volume is 0', () => {
    expect(rvol([...base.slice(1), 62])).toBeNull();
    expect(rvol([...range(30, () => 0), 5])).toBeNull();
  });
});

describe('breakout', () => {
  it('is "20d" when the last close clears every high of the 20 days before, with exactly 21 candles', () => {
    const close = [...range(20, () => 9), 10.5];
    const high = [...range(20, () => 10), 10.5];
    expect(breakout(high, close)).toBe('20d');
    expect(breakout(high.slice(1), close.slice(1))).toBeNull();
  });
  it('is null when the close only equals the highest high (it must be above)', () => {
    expect(breakout([...range(20, () => 10), 10], [...range(20, () => 9), 10])).toBeNull();
  });
  it('is "52w" when the last close clears every close of the 364 days before, with exactly 365 candles', () => {
    // Highs above the last close: no 20-day breakout, so only the 52-week rule can fire.
    const close = [...range(364, (i) => 50 + (i % 7)), 60];
    const high = range(365, () => 100);
    expect(breakout(high, close)).toBe('52w');
    expect(breakout(high.slice(1), close.slice(1))).toBeNull();
  });
  it('prefers "52w" over "20d", and falls back to "20d" with 364 candles', () => {
    const close = [...range(364, () => 50), 60];
    expect(breakout(close, close)).toBe('52w');
    expect(breakout(close.slice(1), close.slice(1))).toBe('20d');
  });
});

describe('returns for rs7dPct and rs30dPct', () => {
  it('take 8 (31) closes, close to close, in percent', () => {
    expect(returnPct([100, 1, 1, 1, 1, 1, 1, 112], 7)).toBeCloseTo(12, 12);
    expect(returnPct([1, 1, 1, 1, 1, 1, 112], 7)).toBeNull();
    expect(returnPct([...range(30, () => 200), 150], 30)).toBeCloseTo(-25, 12);
    expect(
      returnPct(
        range(30, () => 200),
        30,
      ),
    ).toBeNull();
  });
});

describe('squeezePct', () => {
  it('is 100/180 when today has the narrowest bands of the 180, with exactly 199 closes', () => {
    // Alternating closes whose swing shrinks every day: each width is below all earlier ones.
    const close = range(199, (i) => 100 + (i % 2 === 0 ? 1 : -1) * (40 - i * 0.2));
    expect(squeezePct(close)).toBeCloseTo(100 / 180, 12);
    expect(squeezePct(close.slice(1))).toBeNull();
  });
  it('is 100 when today has the widest bands', () => {
    const close = range(199, (i) => 100 + (i % 2 === 0 ? 1 : -1) * (1 + i * 0.2));
    expect(squeezePct(close)).toBe(100);
  });
  it('matches the definition computed window by window on a random walk', () => {
    for (const seed of [5, 6, 7]) {
      const { close } = randomWalk(400, seed);
      for (const end of [199, 250, 400]) expect(squeezePct(close, end)).toBeCloseTo(naiveSqueeze(close.slice(0, end)), 12);
    }
  });
});

describe('rsi14', () => {
  it('needs 100 closes', () => {
    const { close } = randomWalk(100, 9);
    expect(rsi14(close)).not.toBeNull();
    expect(rsi14(close.slice(1))).toBeNull();
  });
  it('is seeded with the simple mean of the first 14 changes, then smoothed with 1/14', () => {
    // 14 changes of +1 then 85 of −1: gain 1, loss 0 seeded, then each step gain × 13/14, loss → (loss·13 + 1)/14.
    const close = [100, ...range(14, (i) => 101 + i), ...range(85, (i) => 114 - i - 1)];
    let gain = 1;
    let loss = 0;
    for (let i = 0; i < 85; i++) {
      gain = (gain * 13) / 14;
      loss = (loss * 13 + 1) / 14;
    }
    expect(close).toHaveLength(100);
    expect(rsi14(close)).toBeCloseTo(100 - 100 / (1 + gain / loss), 10);
  });
});

describe('trend', () => {
  it('is "up" above a rising SMA50 above SMA200, with exactly 200 closes; null with 199', () => {
    const rising = range(200, (i) => 10 + i);
    expect(trend(rising)).toBe('up');
    expect(trend(rising.slice(1))).toBeNull();
  });
  it('is "down" in the mirror image and "mixed" otherwise', () => {
    expect(trend(range(200, (i) => 500 - i))).toBe('down');
    // Rising for 150 days, then falling: close < SMA50 but SMA50 > SMA200.
    expect(trend(range(200, (i) => (i < 150 ? 100 + i : 250 - 3 * (i - 150))))).toBe('mixed');
  });
});

describe('listedDays and historyAsOf', () => {
  const day = 86_400_000;
  it('count whole days from the first open to the last close: one candle is one day', () => {
    expect(listedDays([START])).toBe(1);
    expect(listedDays(range(30, (i) => START + i * day))).toBe(30);
    // A gap does not shrink the age: it runs from the first open.
    expect(listedDays([START, START + 40 * day])).toBe(41);
    expect(listedDays([])).toBeNull();
  });
  it('name the close of the last candle used', () => {
    expect(historyAsOf([START, START + day])).toBe('2026-01-02T23:59:59.999Z');
    expect(historyAsOf([START, START + day], 1)).toBe('2026-01-01T23:59:59.999Z');
    expect(historyAsOf([])).toBeNull();
  });
});

import { BollingerBands, BollingerBandsWidth, RSI, SMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { meanOf, populationStdOf, wilderRsiOf } from '../../../src/screens/signals/indicators.js';
import { rsi14 } from '../../../src/screens/signals/rsi.js';
import { bollingerWidth } from '../../../src/screens/signals/squeeze.js';
import { randomWalk } from './series.js';

/**
 * trading-signals (pinned, test-only) as the oracle. Its definitions are the ones the signals use:
 * RSI is Wilder's, its averages seeded with the SMA of the first 14 changes (WSMA) and 100 when
 * the average loss is 0; Bollinger bands use the population σ (divided by n); BBW is
 * (upper − lower) ÷ middle = 4σ ÷ SMA20. So the values are compared as they are, no adjustment.
 */
const TOLERANCE = 1e-9;

function closeTo(actual: number | null, expected: number | null | undefined): void {
  expect(actual).not.toBeNull();
  expect(expected).not.toBeNull();
  expect(expected).not.toBeUndefined();
  expect(Math.abs(actual! - expected!)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(expected!)));
}

describe('the signal formulas against trading-signals', () => {
  const seeds = [1, 2, 3, 42, 1234];

  it.each(seeds)('RSI(14) matches after every close (seed %i)', (seed) => {
    const { close } = randomWalk(1000, seed);
    const reference = new RSI(14);
    for (let end = 1; end <= close.length; end++) {
      const expected = reference.update(close[end - 1]!, false);
      if (end >= 100) closeTo(rsi14(close, end), expected);
      else if (end >= 15) closeTo(wilderRsiOf(close, end, 14), expected);
    }
  });

  it.each(seeds)('SMA 20, 50 and 200 match (seed %i)', (seed) => {
    const { close } = randomWalk(600, seed, 60_000, 2);
    for (const period of [20, 50, 200]) {
      const reference = new SMA(period);
      for (let end = 1; end <= close.length; end++) {
        const expected = reference.update(close[end - 1]!, false);
        if (end >= period) closeTo(meanOf(close, end, period), expected);
      }
    }
  });

  it.each(seeds)('Bollinger(20, 2) bands and width match, population σ (seed %i)', (seed) => {
    const { close } = randomWalk(400, seed, 0.05, 5);
    const bands = new BollingerBands(20, 2);
    const width = new BollingerBandsWidth(new BollingerBands(20, 2));
    for (let end = 1; end <= close.length; end++) {
      const expectedBands = bands.update(close[end - 1]!, false);
      const expectedWidth = width.update(close[end - 1]!, false);
      if (end < 20) continue;
      const middle = meanOf(close, end, 20);
      const sigma = populationStdOf(close, end, 20, middle);
      closeTo(middle, expectedBands?.middle);
      closeTo(middle + 2 * sigma, expectedBands?.upper);
      closeTo(middle - 2 * sigma, expectedBands?.lower);
      closeTo(bollingerWidth(close, end), expectedWidth);
    }
  });

  it('agrees on the edge the library defines: no losses at all is RSI 100', () => {
    const rising = Array.from({ length: 120 }, (_, i) => 10 + i);
    const reference = new RSI(14);
    let expected: number | null = null;
    for (const price of rising) expected = reference.update(price, false);
    expect(expected).toBe(100);
    expect(rsi14(rising)).toBe(100);
  });
});

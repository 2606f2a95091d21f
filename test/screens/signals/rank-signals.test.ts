import { describe, expect, it } from 'vitest';
import type { CoinSignals } from '../../../src/screens/signals/coin-signals.js';
import { coinSignalsAsOf } from '../../../src/screens/signals/coin-signals.js';
import { hasSignalFlag } from '../../../src/screens/signals/flags.js';
import { percentileRanker } from '../../../src/screens/signals/percentile.js';
import { rankSignals, universeSignalsAsOf } from '../../../src/screens/signals/rank-signals.js';
import type { SignalFields } from '../../../src/screens/signals/signal-fields.js';
import { makeSeries } from './series.js';

const NONE: SignalFields = {
  rvol: null,
  breakout: null,
  rs7dPct: null,
  rs30dPct: null,
  squeezePct: null,
  rsi14: null,
  rsi14h: null,
  trend: null,
  listedDays: 400,
  historyAsOf: '2026-03-01T23:59:59.999Z',
  why: '',
};

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

function coin(fields: Partial<SignalFields>, return7dPct: number | null = null, breakoutKnown = true): CoinSignals {
  return { fields: { ...NONE, ...fields }, return7dPct, return30dPct: null, breakoutKnown, close: 1 };
}

describe('percentiles across the ranked coins', () => {
  it('are the share of known values at or below, nulls left out', () => {
    const rank = percentileRanker([1, 2, 2, 4, null]);
    expect([rank(1), rank(2), rank(4), rank(3), rank(0), rank(null)]).toEqual([25, 75, 100, 75, 0, null]);
  });
});

describe('rankSignals', () => {
  it('measures the 7-day return against the median of the ranked coins that have one', () => {
    const ranked = rankSignals([coin({}, 2), coin({}, 10), coin({}, 30), coin({}, 4), coin({}, null)]);
    // Median of 2, 4, 10, 30 is 7.
    expect(ranked.map((row) => row.fields.rs7dPct)).toEqual([-5, 3, 23, -3, null]);
  });

  it('scores the mean of the rvol, rs7d, tightness percentiles and the breakout term', () => {
    const ranked = rankSignals([
      coin({ rvol: 4, squeezePct: 5, breakout: '52w' }, 20),
      coin({ rvol: 1, squeezePct: 50, breakout: '20d' }, 0),
      coin({ rvol: 2, squeezePct: 90, breakout: null }, 10),
      coin({ rvol: 3, squeezePct: 100, breakout: null }, -10),
    ]);
    // rvol pct: 100, 25, 50, 75; rs pct: 100, 50, 75, 25; tightness (100 − squeeze) pct: 100, 75, 50, 25.
    expect(ranked.map((row) => row.score)).toEqual(
      [100, (25 + 50 + 75 + 75) / 4, (50 + 75 + 50 + 0) / 4, (75 + 25 + 25 + 0) / 4].map(oneDecimal),
    );
  });

  it('leaves a term the history is too short for out of the mean, and has no score without any', () => {
    const ranked = rankSignals([coin({ rvol: 2 }, 5, true), coin({ rvol: 1 }, null, false), coin({}, null, false)]);
    expect(ranked[0]!.score).toBe(66.7);
    expect(ranked[1]!.score).toBe(50);
    expect(ranked[2]!.score).toBeNull();
  });

  it('says why in words, flagged reasons first, at most three', () => {
    const [strong, quiet, rsiOnly, hourly] = rankSignals([
      coin({ rvol: 3.44, breakout: '20d', squeezePct: 40, rsi14: 75 }, 22),
      coin({ rvol: 1.2, squeezePct: 60, trend: 'up' }, 0),
      coin({ rvol: 0.5, rsi14: 25, rsi14h: 80 }, 1),
      coin({ rsi14: 50, rsi14h: 20, trend: 'up' }, 1),
    ]);
    // rs7d 22 − median 1 = +21; rvol and rs are the top percentiles (100), the 20-day breakout's term is 75.
    expect(strong!.fields.why).toBe('vol×3.4 · +21% vs market 7d · 20d high');
    expect(quiet!.fields.why).toBe('uptrend');
    expect(rsiOnly!.fields.why).toBe('RSI 25 oversold');
    expect(hourly!.fields.why).toBe('RSI 1h 20 oversold · uptrend');
  });
});

describe('flags', () => {
  it('trip at the documented bounds', () => {
    const at = (fields: Partial<SignalFields>) => ({ ...NONE, ...fields });
    expect(hasSignalFlag(at({ rvol: 2.5 }), 'rvol')).toBe(true);
    expect(hasSignalFlag(at({ rvol: 2.49 }), 'rvol')).toBe(false);
    expect(hasSignalFlag(at({ rs7dPct: 10 }), 'rs')).toBe(true);
    expect(hasSignalFlag(at({ squeezePct: 10 }), 'squeeze')).toBe(true);
    expect(hasSignalFlag(at({ squeezePct: 10.1 }), 'squeeze')).toBe(false);
    expect(hasSignalFlag(at({ rsi14: 30 }), 'oversold')).toBe(false);
    expect(hasSignalFlag(at({ rsi14: 29.9 }), 'oversold')).toBe(true);
    // The hourly RSI is context, not a flag.
    expect(hasSignalFlag(at({ rsi14h: 10 }), 'oversold')).toBe(false);
    expect(hasSignalFlag(at({ rsi14: 70.1 }), 'overbought')).toBe(true);
    expect(hasSignalFlag(at({ breakout: '20d' }), 'breakout')).toBe(true);
  });
});

describe('universeSignalsAsOf', () => {
  it('keeps coins listed under 30 days out of the ranking, with their own fields', () => {
    const old = makeSeries({ close: Array.from({ length: 40 }, (_, i) => 100 + i) });
    const young = makeSeries({ close: Array.from({ length: 29 }, (_, i) => 50 + i), start: old.openTime[11]! });
    const asOf = old.openTime.at(-1)! + 86_400_000;
    const [a, b, none] = universeSignalsAsOf([{ daily: old, hourly: null }, { daily: young, hourly: null }, null], asOf);
    expect(a!.excluded).toBeNull();
    expect(a!.score).not.toBeNull();
    expect(a!.close).toBe(139);
    expect(b!.excluded).toBe('listed under 30 days');
    expect(b!.fields.listedDays).toBe(29);
    expect(b!.score).toBeNull();
    expect(none!.excluded).toBeNull();
    expect(none!.fields.historyAsOf).toBeNull();
    expect(none!.score).toBeNull();
    expect(coinSignalsAsOf(null, asOf).fields.rvol).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { type CandleSeries, closeTimeOf, INTERVAL_MS } from '../../../src/candle.js';
import { NO_SIGNAL_FIELDS, SIGNAL_FLAGS, type SignalFields, type SignalFlag } from '../../../src/screens/signals/signal-fields.js';

describe('the candle and signal vocabulary', () => {
  it('closes a bar on the last millisecond before the next one opens', () => {
    const day = Date.UTC(2026, 11, 6);
    expect(new Date(closeTimeOf(day, '1d')).toISOString()).toBe('2026-12-06T23:59:59.999Z');
    expect(closeTimeOf(day, '1h') + 1).toBe(day + INTERVAL_MS['1h']);
  });

  it('holds a series column by column, one value per bar in every column', () => {
    const series: CandleSeries = {
      interval: '1d',
      openTime: [0, 86_400_000],
      open: [1, 2],
      high: [2, 3],
      low: [1, 2],
      close: [2, 3],
      quoteVolume: [10, 20],
    };
    const lengths = [series.openTime, series.open, series.high, series.low, series.close, series.quoteVolume].map((c) => c.length);
    expect(new Set(lengths)).toEqual(new Set([2]));
  });

  it('leaves every signal null without history', () => {
    const none: SignalFields = NO_SIGNAL_FIELDS;
    expect(Object.values(none).filter((v) => v !== null && v !== '')).toEqual([]);
  });

  it('names the six flags --signal takes', () => {
    const flags: readonly SignalFlag[] = SIGNAL_FLAGS;
    expect(flags).toEqual(['rvol', 'breakout', 'rs', 'squeeze', 'oversold', 'overbought']);
  });
});

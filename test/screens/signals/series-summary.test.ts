import { describe, expect, it } from 'vitest';
import { type CandleSeries, INTERVAL_MS } from '../../../src/candle.js';
import { coinSignalsAsOf } from '../../../src/screens/signals/coin-signals.js';
import { rankSignals } from '../../../src/screens/signals/rank-signals.js';
import {
  SERIES_SIGNALS_VERSION,
  type SeriesSummary,
  seriesSignals,
  seriesSignalsAsOf,
} from '../../../src/screens/signals/series-signals.js';
import { signalsDocument, summaryFromDocument } from '../../../src/screens/signals/summary-document.js';
import { makeSeries, randomWalk, seededRandom } from './series.js';

/**
 * A run reads each stored series' summary (its figures, computed when it was written) instead of
 * the series: the signals must be exactly those computed from the series, for every length and
 * every instant the summary holds at; a summary of another version is no summary.
 */

/** The summary a run reads back: the stored document (through JSON, as the entry's header keeps it) of `series`. */
function storedSummary(series: CandleSeries): SeriesSummary {
  const doc = JSON.parse(JSON.stringify(signalsDocument(series))) as unknown;
  const summary = summaryFromDocument(doc, series.interval, series.openTime.at(-1));
  if (!summary) throw new Error('no summary');
  return summary;
}

function randomSeries(seed: number, n: number, interval: '1d' | '1h'): CandleSeries {
  const walk = randomWalk(n, seed, 50 + seed, 1 + (seed % 7));
  return makeSeries({ ...walk, interval, start: Date.UTC(2023, 0, 1) });
}

describe('series summaries', () => {
  it('give exactly the signals of their series, coin by coin and ranked, on random series of every length', () => {
    const random = seededRandom(2026);
    const lengths = [0, 1, 7, 8, 20, 21, 30, 31, 99, 100, 198, 199, 200, 364, 365, 366, 999, 1000];
    const coins = lengths.map((length, i) => {
      const daily = randomSeries(i + 1, length, '1d');
      const hourly = randomSeries(i + 101, Math.floor(random() * 1000), '1h');
      return { daily, hourly };
    });
    // The latest close of every series: the summaries hold from there on.
    const asOf = Math.max(
      ...coins.flatMap(({ daily, hourly }) => [daily, hourly].map((s) => (s.openTime.at(-1) ?? 0) + INTERVAL_MS[s.interval])),
    );
    const fromSeries = coins.map((coin) => coinSignalsAsOf(coin, asOf));
    const fromSummaries = coins.map(({ daily, hourly }) =>
      coinSignalsAsOf({ daily: storedSummary(daily), hourly: storedSummary(hourly) }, asOf),
    );
    expect(fromSummaries).toEqual(fromSeries);
    // Mixed (some coins' series read whole): the ranking is the same too.
    const mixed = coins.map(({ daily, hourly }, i) =>
      coinSignalsAsOf(i % 2 ? { daily, hourly: storedSummary(hourly) } : { daily: storedSummary(daily), hourly }, asOf),
    );
    expect(rankSignals(mixed)).toEqual(rankSignals(fromSeries));
    // Not vacuous: the longest series has every figure its own series gives.
    const { rvol, squeezePct, rsi14, rsi14h, trend, listedDays } = fromSeries.at(-1)!.fields;
    expect([rvol, squeezePct, rsi14, rsi14h, trend, listedDays].every((value) => value !== null)).toBe(true);
    expect(fromSeries.at(-1)!.return30dPct).not.toBeNull();
  });

  it('hold only from the close of their last bar: before it the series is needed', () => {
    const daily = randomSeries(3, 400, '1d');
    const summary = storedSummary(daily);
    expect(summary.closedBy).toBe(daily.openTime.at(-1)! + INTERVAL_MS['1d']);
    expect(seriesSignalsAsOf(summary, summary.closedBy + 12_345)).toEqual(seriesSignals(daily));
    expect(() => seriesSignalsAsOf(summary, summary.closedBy - 1)).toThrow(RangeError);
  });

  it('of another version, or of another shape, are no summaries', () => {
    const daily = randomSeries(4, 300, '1d');
    const doc = signalsDocument(daily)!;
    expect(doc.v).toBe(SERIES_SIGNALS_VERSION);
    const last = daily.openTime.at(-1);
    expect(summaryFromDocument({ ...doc, v: SERIES_SIGNALS_VERSION - 1 }, '1d', last)).toBeUndefined();
    expect(summaryFromDocument({ ...doc, v: SERIES_SIGNALS_VERSION + 1 }, '1d', last)).toBeUndefined();
    expect(summaryFromDocument({ ...doc, rvol: 'high' }, '1d', last)).toBeUndefined();
    expect(summaryFromDocument({ ...doc, trend: 'sideways' }, '1d', last)).toBeUndefined();
    expect(summaryFromDocument({ ...doc, listedDays: 2.5 }, '1d', last)).toBeUndefined();
    expect(summaryFromDocument({ ...doc, breakoutKnown: undefined }, '1d', last)).toBeUndefined();
    expect(summaryFromDocument(undefined, '1d', last)).toBeUndefined();
    expect(summaryFromDocument('x', '1d', last)).toBeUndefined();
  });

  it('are not kept when a figure is not a finite number (JSON could not hold it exactly)', () => {
    // Closes of 0 and then a rise: a return over a zero base is null, but a zero mean makes the squeeze width NaN → null too;
    // a volume of Infinity is the planted non-finite figure.
    const series = makeSeries({
      close: Array.from({ length: 40 }, (_, i) => 10 + i),
      quoteVolume: [...Array.from({ length: 39 }, () => 1), Number.POSITIVE_INFINITY],
    });
    expect(seriesSignals(series).rvol).toBe(Number.POSITIVE_INFINITY);
    expect(signalsDocument(series)).toBeUndefined();
  });

  it('pin their definitions: a change to any figure here needs SERIES_SIGNALS_VERSION bumped (stored summaries are then recomputed)', () => {
    // If this fails after a change to a signal definition, bump SERIES_SIGNALS_VERSION and update the pinned figures.
    const canary = makeSeries({ ...randomWalk(400, 77), start: Date.UTC(2024, 0, 1) });
    expect(SERIES_SIGNALS_VERSION).toBe(1);
    expect(seriesSignals(canary)).toMatchInlineSnapshot(`
      {
        "breakout": null,
        "breakoutKnown": true,
        "close": 123.6344138128542,
        "historyAsOf": "2025-02-03T23:59:59.999Z",
        "listedDays": 400,
        "return30dPct": -5.6338041610887295,
        "return7dPct": 5.336504871605086,
        "rsi14": 50.128909016236236,
        "rvol": 1.1520834244034404,
        "squeezePct": 30,
        "trend": "mixed",
      }
    `);
  });
});

import { describe, expect, it } from 'vitest';
import { type CandleSeries, INTERVAL_MS } from '../../../src/candle.js';
import { closedBefore, endOfDay } from '../../../src/screens/signals/as-of.js';
import type { CoinHistory } from '../../../src/screens/signals/coin-signals.js';
import { coinSignalsAsOf } from '../../../src/screens/signals/coin-signals.js';
import { universeSignalsAsOf } from '../../../src/screens/signals/rank-signals.js';
import { makeSeries, randomWalk, START } from './series.js';

const DAY = INTERVAL_MS['1d'];

function history(seed: number, days: number, start = START): CoinHistory {
  const daily = randomWalk(days, seed);
  const hourly = randomWalk(days * 24, seed + 1000);
  return {
    daily: makeSeries({ ...daily, start }),
    hourly: makeSeries({ ...hourly, start, interval: '1h' }),
  };
}

/** The series with every bar that closes at or after `asOfMs` replaced by wild values (a spike, a crash). */
function alteredAfter(series: CandleSeries, asOfMs: number, factor: number): CandleSeries {
  const keep = closedBefore(series, asOfMs);
  const change = (column: readonly number[]) => column.map((value, i) => (i < keep ? value : value * factor * (1 + (i % 3))));
  return { ...series, high: change(series.high), close: change(series.close), quoteVolume: change(series.quoteVolume) };
}

/** The series cut to the bars closed before `asOfMs`: what the store held at that time. */
function cutAt(series: CandleSeries, asOfMs: number): CandleSeries {
  const keep = closedBefore(series, asOfMs);
  const cut = (column: readonly number[]) => column.slice(0, keep);
  return {
    interval: series.interval,
    openTime: cut(series.openTime),
    open: cut(series.open),
    high: cut(series.high),
    low: cut(series.low),
    close: cut(series.close),
    quoteVolume: cut(series.quoteVolume),
  };
}

/** Appends `count` bars after the series' end. */
function extended(series: CandleSeries, count: number, value: number): CandleSeries {
  const step = INTERVAL_MS[series.interval];
  const last = series.openTime.at(-1)!;
  const more = (column: readonly number[], v: number) => [...column, ...Array.from({ length: count }, () => v)];
  return {
    interval: series.interval,
    openTime: [...series.openTime, ...Array.from({ length: count }, (_, i) => last + (i + 1) * step)],
    open: more(series.open, value),
    high: more(series.high, value * 2),
    low: more(series.low, value),
    close: more(series.close, value),
    quoteVolume: more(series.quoteVolume, 1e12),
  };
}

describe('signals as of T cannot see after T', () => {
  const coins = [history(11, 800), history(12, 800), history(13, 600, START + 200 * DAY), history(14, 400, START + 400 * DAY)];

  it('every field of every coin is unchanged when bars after T are altered, cut off or added', () => {
    for (const dayIndex of [450, 500, 640, 799]) {
      const asOf = endOfDay(START + dayIndex * DAY);
      const reference = universeSignalsAsOf(
        coins.map((coin) => ({ daily: cutAt(coin.daily!, asOf), hourly: cutAt(coin.hourly!, asOf) })),
        asOf,
      );
      const altered = universeSignalsAsOf(
        coins.map((coin) => ({ daily: alteredAfter(coin.daily!, asOf, 7), hourly: alteredAfter(coin.hourly!, asOf, 0.1) })),
        asOf,
      );
      const appended = universeSignalsAsOf(
        coins.map((coin) => ({ daily: extended(coin.daily!, 30, 1e6), hourly: extended(coin.hourly!, 48, 1e-6) })),
        asOf,
      );
      expect(altered).toEqual(reference);
      expect(appended).toEqual(reference);
      expect(reference[0]!.fields.historyAsOf).toBe(new Date(asOf - 1).toISOString());
      expect(reference[0]!.fields.squeezePct).not.toBeNull();
    }
  });

  it('ignores the bar still forming: a run at 10:00 reads yesterday as the last day and the last closed hour', () => {
    const coin = history(21, 300);
    const lastDayOpen = coin.daily!.openTime.at(-1)!;
    // The store never keeps a forming bar, but a series that carried one must not change anything.
    const now = lastDayOpen + 10 * INTERVAL_MS['1h'];
    const withForming = { daily: coin.daily!, hourly: coin.hourly! };
    const closedOnly = { daily: cutAt(coin.daily!, now), hourly: cutAt(coin.hourly!, now) };
    expect(closedOnly.daily.close).toHaveLength(299);
    expect(coinSignalsAsOf(withForming, now)).toEqual(coinSignalsAsOf(closedOnly, now));
    expect(coinSignalsAsOf(withForming, now).fields.historyAsOf).toBe(new Date(lastDayOpen - 1).toISOString());
    // One millisecond after the day closes, it counts.
    expect(coinSignalsAsOf(withForming, lastDayOpen + DAY).fields.historyAsOf).toBe(new Date(lastDayOpen + DAY - 1).toISOString());
  });

  it('a value at T changes once a bar before T changes (the check above could not pass by ignoring everything)', () => {
    const coin = history(31, 400);
    const asOf = endOfDay(START + 350 * DAY);
    const before = coinSignalsAsOf(coin, asOf);
    const changed = coinSignalsAsOf({ ...coin, daily: alteredAfter(coin.daily!, asOf - DAY, 3) }, asOf);
    expect(changed.fields.rvol).not.toBe(before.fields.rvol);
    expect(changed.close).not.toBe(before.close);
  });
});

/**
 * How a stored series grows: merge what a fetch returned, keep the newest `SERIES_MAX_CANDLES`,
 * and decide when (and from where) the next fetch is due. Pure; times are epoch ms on the run's
 * own clock.
 */
import { type CandleSeries, closeTimeOf, INTERVAL_MS } from '../../candle.js';

/** Most candles a series keeps (the newest). */
export const SERIES_MAX_CANDLES = 1000;

/** A series holding nothing. */
export function emptySeries(interval: CandleSeries['interval']): CandleSeries {
  return { interval, openTime: [], open: [], high: [], low: [], close: [], quoteVolume: [] };
}

/**
 * `stored` and `fetched` as one series: one bar per open time (a fetched bar replaces a stored
 * one: both are closed, so they agree unless the API corrected itself), oldest first, cut to the
 * newest `max`.
 */
export function mergeSeries(stored: CandleSeries | undefined, fetched: CandleSeries, max = SERIES_MAX_CANDLES): CandleSeries {
  // A first fill, or a fetch that only adds newer bars (the usual cases): no map, no sort.
  if (ascending(fetched) && (stored === undefined || stored.openTime.length === 0)) return newest(fetched, max);
  if (stored !== undefined && ascending(stored) && ascending(fetched) && stored.openTime.at(-1)! < fetched.openTime[0]!) {
    return newest(concatSeries(stored, fetched), max);
  }
  const rows = new Map<number, number>();
  const sources: CandleSeries[] = stored ? [stored, fetched] : [fetched];
  const columns = { open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[], quoteVolume: [] as number[] };
  const times: number[] = [];
  for (const series of sources) {
    series.openTime.forEach((time, i) => {
      let row = rows.get(time);
      if (row === undefined) {
        row = times.length;
        rows.set(time, row);
        times.push(time);
      }
      columns.open[row] = series.open[i]!;
      columns.high[row] = series.high[i]!;
      columns.low[row] = series.low[i]!;
      columns.close[row] = series.close[i]!;
      columns.quoteVolume[row] = series.quoteVolume[i]!;
    });
  }
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const kept = order.slice(Math.max(0, order.length - max));
  return {
    interval: fetched.interval,
    openTime: kept.map((i) => times[i]!),
    open: kept.map((i) => columns.open[i]!),
    high: kept.map((i) => columns.high[i]!),
    low: kept.map((i) => columns.low[i]!),
    close: kept.map((i) => columns.close[i]!),
    quoteVolume: kept.map((i) => columns.quoteVolume[i]!),
  };
}

/** Open times strictly ascending (oldest first, one bar per open time). */
function ascending(series: CandleSeries): boolean {
  const { openTime } = series;
  for (let i = 1; i < openTime.length; i++) if (!(openTime[i]! > openTime[i - 1]!)) return false;
  return true;
}

function concatSeries(a: CandleSeries, b: CandleSeries): CandleSeries {
  return {
    interval: b.interval,
    openTime: a.openTime.concat(b.openTime),
    open: a.open.concat(b.open),
    high: a.high.concat(b.high),
    low: a.low.concat(b.low),
    close: a.close.concat(b.close),
    quoteVolume: a.quoteVolume.concat(b.quoteVolume),
  };
}

/** The newest `max` bars of an ascending series (the series itself when nothing is cut). */
function newest(series: CandleSeries, max: number): CandleSeries {
  const from = Math.max(0, series.openTime.length - max);
  if (from === 0) return series;
  return {
    interval: series.interval,
    openTime: series.openTime.slice(from),
    open: series.open.slice(from),
    high: series.high.slice(from),
    low: series.low.slice(from),
    close: series.close.slice(from),
    quoteVolume: series.quoteVolume.slice(from),
  };
}

/** Whether a fetch is due, and from which open time it should ask (undefined: the newest candles). */
export interface NextFetch {
  due: boolean;
  startTime: number | undefined;
  /** Closed candles the store lacks (an estimate for a never-fetched series: the cap). */
  missing: number;
}

/** Whether a series whose last candle opened at `lastOpen` (undefined: nothing stored) is due at `nowMs`: its next candle has closed. */
export function isDue(lastOpen: number | undefined, interval: CandleSeries['interval'], nowMs: number): boolean {
  return lastOpen === undefined || closeTimeOf(lastOpen + INTERVAL_MS[interval], interval) < nowMs;
}

/**
 * A series is due when its next candle has closed by `nowMs` (a series never fetched is due).
 * It then asks from its first gap, or else from the candle after its last: one request repairs
 * both (up to `max` candles). A series further behind than `max` candles asks for the newest.
 */
export function nextFetch(
  series: CandleSeries | undefined,
  interval: CandleSeries['interval'],
  nowMs: number,
  max = SERIES_MAX_CANDLES,
): NextFetch {
  const step = INTERVAL_MS[interval];
  const last = series?.openTime[series.openTime.length - 1];
  if (series === undefined || last === undefined) return { due: true, startTime: undefined, missing: max };
  const next = last + step;
  const closedAhead = isDue(last, interval, nowMs) ? Math.floor((nowMs - next) / step) : 0;
  const gapStart = firstGapStart(series);
  const from = gapStart ?? next;
  const gapMissing = gapStart === undefined ? 0 : missingInside(series);
  // A gap alone never makes a series due: a gap the API cannot fill (a trading halt) would
  // otherwise cost a request every run. It is repaired by the next due fetch.
  if (closedAhead === 0) return { due: false, startTime: undefined, missing: 0 };
  const span = Math.floor((nowMs - from) / step);
  return { due: true, startTime: span < max ? from : undefined, missing: Math.min(max, closedAhead + gapMissing) };
}

/** Open time of the first missing candle between the first and the last, if any. */
export function firstGapStart(series: CandleSeries): number | undefined {
  const step = INTERVAL_MS[series.interval];
  for (let i = 1; i < series.openTime.length; i++) {
    if (series.openTime[i]! - series.openTime[i - 1]! > step) return series.openTime[i - 1]! + step;
  }
  return undefined;
}

function missingInside(series: CandleSeries): number {
  const { openTime } = series;
  if (openTime.length < 2) return 0;
  return Math.round((openTime[openTime.length - 1]! - openTime[0]!) / INTERVAL_MS[series.interval]) + 1 - openTime.length;
}

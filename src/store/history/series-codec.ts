/**
 * The stored form of a candle series (an entry's value, in the file and Redis backends alike):
 * columns as arrays (as `CandleSeries` holds them), open times as the first one plus steps in
 * whole intervals (a gap-free series stores a run of 1s), checked on read (the entry's checksum
 * guards the bytes): a document that is not exactly this shape is a miss, never a crash.
 */
import { type CandleInterval, type CandleSeries, INTERVAL_MS } from '../../candle.js';

/** Bumped when the stored shape changes; other versions read as missing. */
const SERIES_FORMAT = 1;

/** What a backend keeps for one series. */
export interface StoredSeries {
  readonly series: CandleSeries;
  /** Epoch ms of the write (the last fetch that changed or confirmed it). */
  readonly fetchedAt: number;
}

interface SeriesDocument {
  v: number;
  interval: CandleInterval;
  fetchedAt: number;
  /** First open time, epoch ms. */
  t0: number;
  /** Steps between open times, in intervals (all 1 unless the series has gaps). */
  dt: number[];
  o: number[];
  h: number[];
  l: number[];
  c: number[];
  qv: number[];
}

/** The stored document of a series, as a plain JSON value (an entry's value). */
export function seriesDocument(stored: StoredSeries): unknown {
  const { series, fetchedAt } = stored;
  const step = INTERVAL_MS[series.interval];
  const doc: SeriesDocument = {
    v: SERIES_FORMAT,
    interval: series.interval,
    fetchedAt,
    t0: series.openTime[0] ?? 0,
    dt: series.openTime.slice(1).map((t, i) => Math.round((t - series.openTime[i]!) / step)),
    o: [...series.open],
    h: [...series.high],
    l: [...series.low],
    c: [...series.close],
    qv: [...series.quoteVolume],
  };
  return doc;
}

/** The series in a stored document (see `seriesDocument`), or undefined when it is not one of `interval`. */
export function seriesFromDocument(value: unknown, interval: CandleInterval): StoredSeries | undefined {
  const doc = value as Partial<SeriesDocument>;
  if (typeof doc !== 'object' || doc === null || doc.v !== SERIES_FORMAT || doc.interval !== interval) return undefined;
  const { o, h, l, c, qv, dt, t0, fetchedAt } = doc;
  if (!isNumbers(o) || !isNumbers(h) || !isNumbers(l) || !isNumbers(c) || !isNumbers(qv) || !isNumbers(dt)) return undefined;
  if (typeof t0 !== 'number' || typeof fetchedAt !== 'number') return undefined;
  const n = o.length;
  if (h.length !== n || l.length !== n || c.length !== n || qv.length !== n || (n > 0 && dt.length !== n - 1)) return undefined;
  const step = INTERVAL_MS[interval];
  const openTime: number[] = n > 0 ? [t0] : [];
  for (const d of dt) {
    if (!(d >= 1)) return undefined;
    openTime.push(openTime[openTime.length - 1]! + d * step);
  }
  return { series: { interval, openTime, open: o, high: h, low: l, close: c, quoteVolume: qv }, fetchedAt };
}

function isNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/**
 * The stored form of a candle series (an entry's value, in the file and Redis backends alike),
 * made to be cheap to read, since a run reads hundreds of them: the five price and volume columns
 * as one buffer of little-endian 64-bit floats (exactly the numbers fetched, no decimal text to
 * parse), base64 in the document, open times as the first one plus the steps in whole intervals
 * (left empty for a gap-free series). It is checked on read (the entry's checksum guards the
 * bytes): a document that is not exactly this shape, or an older format, is a miss, never a crash.
 */
import { type CandleInterval, type CandleSeries, INTERVAL_MS } from '../../candle.js';

/** Bumped when the stored shape changes; other versions read as missing (and are fetched again). */
export const SERIES_FORMAT = 2;
/** Columns in the float buffer, in this order, each `n` values long. */
const COLUMNS = ['open', 'high', 'low', 'close', 'quoteVolume'] as const;
const FLOAT_BYTES = 8;

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
  /** Number of bars. */
  n: number;
  /** First open time, epoch ms. */
  t0: number;
  /** Steps between open times, in intervals; empty when every step is 1 (no gaps). */
  dt: number[];
  /** Base64 of the `COLUMNS` one after the other, little-endian float64. */
  f64: string;
}

/** The stored document of a series, as a plain JSON value (an entry's value). */
export function seriesDocument(stored: StoredSeries): unknown {
  const { series, fetchedAt } = stored;
  const n = series.openTime.length;
  const step = INTERVAL_MS[series.interval];
  const dt = series.openTime.slice(1).map((t, i) => Math.round((t - series.openTime[i]!) / step));
  const bytes = Buffer.alloc(COLUMNS.length * n * FLOAT_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (const column of COLUMNS) {
    for (const value of series[column]) {
      view.setFloat64(offset, value, true);
      offset += FLOAT_BYTES;
    }
  }
  const doc: SeriesDocument = {
    v: SERIES_FORMAT,
    interval: series.interval,
    fetchedAt,
    n,
    t0: series.openTime[0] ?? 0,
    dt: dt.every((d) => d === 1) ? [] : dt,
    f64: bytes.toString('base64'),
  };
  return doc;
}

/** The series in a stored document (see `seriesDocument`), or undefined when it is not one of `interval`. */
export function seriesFromDocument(value: unknown, interval: CandleInterval): StoredSeries | undefined {
  const doc = value as Partial<SeriesDocument>;
  if (typeof doc !== 'object' || doc === null || doc.v !== SERIES_FORMAT || doc.interval !== interval) return undefined;
  const { n, dt, t0, fetchedAt, f64 } = doc;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return undefined;
  if (typeof t0 !== 'number' || !Number.isFinite(t0) || typeof fetchedAt !== 'number' || typeof f64 !== 'string') return undefined;
  if (!Array.isArray(dt) || (dt.length !== 0 && dt.length !== n - 1)) return undefined;
  const openTime = openTimes(n, t0, dt, INTERVAL_MS[interval]);
  const columns = floatColumns(f64, n);
  if (!openTime || !columns) return undefined;
  const [open, high, low, close, quoteVolume] = columns as [number[], number[], number[], number[], number[]];
  return { series: { interval, openTime, open, high, low, close, quoteVolume }, fetchedAt };
}

function openTimes(n: number, t0: number, dt: unknown[], step: number): number[] | undefined {
  const openTime = new Array<number>(n);
  if (dt.length === 0) {
    for (let i = 0; i < n; i++) openTime[i] = t0 + i * step;
    return openTime;
  }
  let time = t0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const d = dt[i - 1];
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1) return undefined;
      time += d * step;
    }
    openTime[i] = time;
  }
  return openTime;
}

/** The columns of the float buffer, or undefined when it is not exactly `n` finite values each. */
function floatColumns(base64: string, n: number): number[][] | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== COLUMNS.length * n * FLOAT_BYTES) return undefined;
  const floats = floatsOf(bytes);
  const columns: number[][] = [];
  for (let c = 0; c < COLUMNS.length; c++) {
    const column = new Array<number>(n);
    for (let i = 0, at = c * n; i < n; i++, at++) {
      const x = floats[at]!;
      if (!Number.isFinite(x)) return undefined;
      column[i] = x;
    }
    columns.push(column);
  }
  return columns;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian floats of `bytes`: a view where the host is little-endian and the bytes aligned, else a copy. */
function floatsOf(bytes: Buffer): Float64Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % FLOAT_BYTES === 0)
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / FLOAT_BYTES);
  const floats = new Float64Array(bytes.length / FLOAT_BYTES);
  for (let i = 0; i < floats.length; i++) floats[i] = bytes.readDoubleLE(i * FLOAT_BYTES);
  return floats;
}

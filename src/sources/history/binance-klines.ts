/**
 * Binance klines, keyless: `GET /api/v3/klines?symbol=&interval=1d|1h&limit=1000[&startTime=]`
 * (weight 2 whatever the limit, up to 1,000 rows). Rows are positional arrays
 * `[openTime, "open", "high", "low", "close", "volume", closeTime, "quoteVolume", trades, …]`,
 * oldest first; the newest row is the candle still open, whose values change until it closes: it
 * is dropped here (`closedSeries`), so it is never stored or used.
 */
import { type CandleInterval, type CandleSeries, closeTimeOf } from '../../candle.js';
import type { HttpGetter } from '../../http/types.js';
import { parseJsonText } from '../shared/json-text.js';
import { parseDecimal } from '../shared/numbers.js';
import { shortText } from '../shared/text.js';
import { unexpectedData } from '../shared/validate.js';
import { type Bar, closedSeries } from './closed-bars.js';

const SOURCE = 'binance';
/** Most rows one request returns; the weight does not depend on it. */
export const KLINES_MAX_LIMIT = 1000;
/** Request weight of one klines call. */
export const KLINES_WEIGHT = 2;

export interface KlinesRequest {
  baseUrl: string;
  /** `BTCUSDT`. */
  symbol: string;
  interval: CandleInterval;
  /** Only bars opening at or after this epoch ms (a gap is repaired from the last stored bar). */
  startTime?: number | undefined;
  /** @default KLINES_MAX_LIMIT */
  limit?: number;
  /** The run's clock: a bar still open at this time is dropped. */
  nowMs: number;
  signal?: AbortSignal | undefined;
  /** Called once the request has its slot on the host's pacing and is sent. */
  onPaced?: (() => void) | undefined;
}

export interface KlinesResult {
  /** The closed bars returned, oldest first. */
  series: CandleSeries;
  /** Rows in the answer, the open candle included (fewer than the limit: nothing older or newer is left). */
  rows: number;
  /** `X-MBX-USED-WEIGHT-1M` of the answer, when it had one. */
  usedWeight: number | undefined;
}

export function klinesUrl(request: KlinesRequest): string {
  const params = new URLSearchParams({ symbol: request.symbol, interval: request.interval });
  if (request.startTime !== undefined) params.set('startTime', String(request.startTime));
  params.set('limit', String(request.limit ?? KLINES_MAX_LIMIT));
  return `${request.baseUrl}/api/v3/klines?${params}`;
}

/**
 * One klines request.
 * @throws QahtError QAHT_ERR_INVALID_DATA when the shape changed (or Binance answered its error
 *   object at HTTP 200); the client's errors otherwise (a 429's `retryAfterMs` on it).
 */
export async function fetchKlines(http: HttpGetter, request: KlinesRequest): Promise<KlinesResult> {
  const url = klinesUrl(request);
  const response = await http.request(url, { source: SOURCE, signal: request.signal, onPaced: request.onPaced });
  const body = parseJsonText(SOURCE, response.text, url);
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const { code, msg } = body as { code?: unknown; msg?: unknown };
    throw unexpectedData(SOURCE, `error ${String(code)}: ${shortText(String(msg))}`, { url });
  }
  const rows = klinesRows(body, url);
  const used = Number(response.headers['x-mbx-used-weight-1m']);
  return {
    series: closedKlines(rows, request.interval, request.nowMs),
    rows: rows.length,
    usedWeight: Number.isFinite(used) ? used : undefined,
  };
}

/** A klines row as checked: the eight leading fields typed, the rest (trades, taker volumes…) unread. */
type KlinesRow = [number, string | number, string | number, string | number, string | number, string | number, number, string | number];

/** Field kinds of a row's leading fields: open time, OHLC, volume, close time, quote volume. */
const ROW_FIELDS = ['time', 'decimal', 'decimal', 'decimal', 'decimal', 'decimal', 'time', 'decimal'] as const;

/**
 * The body as klines rows, checked in one pass without a schema library (a fill reads a million
 * fields). An array of arrays whose first eight fields are numbers where Binance sends numbers
 * (open and close time) and strings or numbers where it sends decimals; extra fields are allowed.
 * @throws QahtError QAHT_ERR_INVALID_DATA naming the first field that is not so ("3.4: …").
 */
function klinesRows(body: unknown, url: string): KlinesRow[] {
  if (!Array.isArray(body)) throw unexpectedData(SOURCE, `body: Invalid type: Expected Array but received ${received(body)}`, { url });
  for (let i = 0; i < body.length; i++) {
    const row: unknown = body[i];
    if (!Array.isArray(row)) throw unexpectedData(SOURCE, `${i}: Invalid type: Expected Array but received ${received(row)}`, { url });
    for (let j = 0; j < ROW_FIELDS.length; j++) {
      const field: unknown = row[j];
      const type = typeof field;
      if (type === 'number' || (type === 'string' && ROW_FIELDS[j] === 'decimal')) continue;
      const expected = ROW_FIELDS[j] === 'time' ? 'number' : '(string | number)';
      throw unexpectedData(SOURCE, `${i}.${j}: Invalid type: Expected ${expected} but received ${received(field)}`, { url });
    }
  }
  return body as KlinesRow[];
}

/** A value as a message names it: strings quoted, objects by their constructor. */
function received(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'Object';
  return String(value);
}

/**
 * The closed bars of the rows as a series (see `closedSeries`: the candle still open and bars with
 * a value that is not a decimal are dropped), in one pass when the rows come oldest first with
 * distinct open times, as Binance sends them; anything else goes through `closedSeries`.
 */
function closedKlines(rows: readonly KlinesRow[], interval: CandleInterval, nowMs: number): CandleSeries {
  const columns = {
    openTime: [] as number[],
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
    quoteVolume: [] as number[],
  };
  let last = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const openTime = row[0];
    if (closeTimeOf(openTime, interval) >= nowMs) continue;
    const open = decimal(row[1]);
    const high = decimal(row[2]);
    const low = decimal(row[3]);
    const close = decimal(row[4]);
    const quoteVolume = decimal(row[7]);
    if (!(Number.isFinite(openTime) && Number.isFinite(open) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close)))
      continue;
    if (!Number.isFinite(quoteVolume)) continue;
    if (openTime <= last) return closedSeries(rows.map(barOf), interval, nowMs);
    last = openTime;
    columns.openTime.push(openTime);
    columns.open.push(open);
    columns.high.push(high);
    columns.low.push(low);
    columns.close.push(close);
    columns.quoteVolume.push(quoteVolume);
  }
  return { interval, ...columns };
}

function barOf(row: KlinesRow): Bar {
  return {
    openTime: row[0],
    open: decimal(row[1]),
    high: decimal(row[2]),
    low: decimal(row[3]),
    close: decimal(row[4]),
    quoteVolume: decimal(row[7]),
  };
}

function decimal(value: string | number): number {
  return parseDecimal(value) ?? Number.NaN;
}

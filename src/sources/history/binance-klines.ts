/**
 * Binance klines, keyless: `GET /api/v3/klines?symbol=&interval=1d|1h&limit=1000[&startTime=]`
 * (weight 2 whatever the limit, up to 1,000 rows). Rows are positional arrays
 * `[openTime, "open", "high", "low", "close", "volume", closeTime, "quoteVolume", trades, …]`,
 * oldest first; the newest row is the candle still open, whose values change until it closes: it
 * is dropped here (`closedSeries`), so it is never stored or used.
 */
import * as v from 'valibot';
import type { CandleInterval, CandleSeries } from '../../candle.js';
import type { HttpGetter } from '../../http/types.js';
import { parseJsonText } from '../shared/json-text.js';
import { parseDecimal } from '../shared/numbers.js';
import { shortText } from '../shared/text.js';
import { unexpectedData, validateResponse } from '../shared/validate.js';
import { type Bar, closedSeries } from './closed-bars.js';

const SOURCE = 'binance';
/** Most rows one request returns; the weight does not depend on it. */
export const KLINES_MAX_LIMIT = 1000;
/** Request weight of one klines call. */
export const KLINES_WEIGHT = 2;

const decimal = v.union([v.string(), v.number()]);
const KlinesSchema = v.array(v.looseTuple([v.number(), decimal, decimal, decimal, decimal, decimal, v.number(), decimal]));

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
  const rows = validateResponse(SOURCE, KlinesSchema, body, { url });
  const bars: Bar[] = rows.map((row) => ({
    openTime: row[0],
    open: parseDecimal(row[1]) ?? Number.NaN,
    high: parseDecimal(row[2]) ?? Number.NaN,
    low: parseDecimal(row[3]) ?? Number.NaN,
    close: parseDecimal(row[4]) ?? Number.NaN,
    quoteVolume: parseDecimal(row[7]) ?? Number.NaN,
  }));
  const used = Number(response.headers['x-mbx-used-weight-1m']);
  return {
    series: closedSeries(bars, request.interval, request.nowMs),
    rows: rows.length,
    usedWeight: Number.isFinite(used) ? used : undefined,
  };
}

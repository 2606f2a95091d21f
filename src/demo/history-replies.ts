/**
 * Candle history answers in each API's real shape, from the generated bars
 * (`candle-generator.ts`): Binance klines with exactly Binance's `startTime`/`endTime`/`limit`
 * rules, CoinGecko market_chart's daily points, Massive's grouped daily. The demo server and the
 * tests' fake API serve these.
 */
import { type CandleInterval, INTERVAL_MS } from '../candle.js';
import { generatedBar, type GeneratedBar } from './candle-generator.js';

const DAY_MS = INTERVAL_MS['1d'];
/** Binance's default and largest `limit`. */
const KLINES_DEFAULT_LIMIT = 500;
const KLINES_MAX_LIMIT = 1000;

export interface KlinesQuery {
  startTime?: number | undefined;
  endTime?: number | undefined;
  limit?: number | undefined;
}

export interface KlinesSource {
  /** Open time of the asset's first bar (its listing). @default 1,500 days before now */
  listedAt?: number;
  /** Varies the forming bar between calls (its values change until it closes). @default 0 */
  openSalt?: number;
  /** The bar at an open time, instead of the generated one (a test's own data). */
  barAt?: (openTime: number) => GeneratedBar;
}

/** Rows of `GET /api/v3/klines`, or Binance's error for a bad `limit`. */
export function klinesAnswer(
  asset: string,
  interval: CandleInterval,
  query: KlinesQuery,
  nowMs: number,
  source: KlinesSource = {},
): { rows: unknown[][] } | { error: { code: number; msg: string } } {
  const limit = query.limit ?? KLINES_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > KLINES_MAX_LIMIT) {
    return { error: { code: -1130, msg: 'Invalid data sent for a parameter.' } };
  }
  const step = INTERVAL_MS[interval];
  const current = Math.floor(nowMs / step) * step;
  const first = Math.ceil((source.listedAt ?? nowMs - 1500 * DAY_MS) / step) * step;
  let from = first;
  let to = current;
  if (query.startTime !== undefined) from = Math.max(first, Math.ceil(query.startTime / step) * step);
  if (query.endTime !== undefined) to = Math.min(current, Math.floor(query.endTime / step) * step);
  const times: number[] = [];
  if (query.startTime !== undefined || query.endTime === undefined) {
    // From the start forwards (Binance: the first `limit` from startTime; with neither, the newest).
    if (query.startTime === undefined) from = Math.max(from, to - (limit - 1) * step);
    for (let t = from; t <= to && times.length < limit; t += step) times.push(t);
  } else {
    for (let t = to; t >= from && times.length < limit; t -= step) times.unshift(t);
  }
  return {
    rows: times.map((t) => {
      const forming = t === current;
      const bar = source.barAt ? source.barAt(t) : generatedBar(asset, interval, t, forming ? (source.openSalt ?? 0) : 0);
      return [
        t,
        fixed(bar.open),
        fixed(bar.high),
        fixed(bar.low),
        fixed(bar.close),
        fixed(bar.volume),
        t + step - 1,
        fixed(bar.quoteVolume),
        Math.round(bar.quoteVolume / 1000) + 1,
        fixed(bar.volume / 2),
        fixed(bar.quoteVolume / 2),
        '0',
      ];
    }),
  };
}

/** `GET /coins/{id}/market_chart?days=N&interval=daily`: a point at each of the last N midnights (day D's close stamped D+1 00:00), then the live one. */
export function marketChartAnswer(
  id: string,
  days: number,
  nowMs: number,
): { prices: number[][]; market_caps: number[][]; total_volumes: number[][] } {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const prices: number[][] = [];
  const volumes: number[][] = [];
  const caps: number[][] = [];
  for (let stamp = today - Math.max(1, Math.min(365, days)) * DAY_MS; stamp <= today; stamp += DAY_MS) {
    const bar = generatedBar(id, '1d', stamp - DAY_MS);
    prices.push([stamp, bar.close]);
    volumes.push([stamp, bar.quoteVolume]);
    caps.push([stamp, bar.close * 1e7]);
  }
  const live = generatedBar(id, '1d', today, Math.floor(nowMs / 60_000) || 1);
  prices.push([nowMs, live.close]);
  volumes.push([nowMs, live.quoteVolume]);
  caps.push([nowMs, live.close * 1e7]);
  return { prices, market_caps: caps, total_volumes: volumes };
}

/** `GET /v2/aggs/grouped/locale/us/market/stocks/{day}`: every ticker's bar of a weekday, nothing on a weekend. */
export function groupedDailyAnswer(tickers: readonly string[], day: string): Record<string, unknown> {
  const start = Date.parse(`${day}T00:00:00Z`);
  const weekday = new Date(start).getUTCDay();
  if (!Number.isFinite(start) || weekday === 0 || weekday === 6) {
    return { queryCount: 0, resultsCount: 0, adjusted: true, status: 'OK', request_id: 'demo' };
  }
  const results = tickers.map((ticker) => {
    const bar = generatedBar(ticker, '1d', start);
    const vw = (bar.open + bar.close) / 2;
    return {
      T: ticker,
      v: Math.round(bar.volume),
      vw,
      o: bar.open,
      c: bar.close,
      h: bar.high,
      l: bar.low,
      t: start + 20 * 3600_000,
      n: 1000,
    };
  });
  return { queryCount: results.length, resultsCount: results.length, adjusted: true, results, status: 'OK', request_id: 'demo' };
}

function fixed(value: number): string {
  return value.toFixed(8);
}

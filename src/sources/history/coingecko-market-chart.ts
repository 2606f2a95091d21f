/**
 * CoinGecko daily history for coins without a Binance USDT pair:
 * `GET /coins/{id}/market_chart?vs_currency=usd&days=N&interval=daily`. Points are
 * `[epoch ms, value]`; the one stamped 00:00 UTC of day D+1 is day D's close (and its 24 h volume
 * point day D's volume). The last point, stamped with the current time, is provisional and never
 * used, nor is any point off midnight. There are no highs or lows: a bar's high and low are its
 * close, and its open is the previous day's close (its own close for the first).
 */
import * as v from 'valibot';
import { type CandleSeries, INTERVAL_MS } from '../../candle.js';
import type { HttpGetter } from '../../http/types.js';
import { parseJsonText } from '../shared/json-text.js';
import { validateResponse } from '../shared/validate.js';
import { type Bar, closedSeries } from './closed-bars.js';

const SOURCE = 'coingecko';
const DAY_MS = INTERVAL_MS['1d'];
/** Keyless and Demo history reach back 365 days. */
export const MARKET_CHART_MAX_DAYS = 365;

const Points = v.array(v.looseTuple([v.number(), v.nullable(v.number())]));
const MarketChartSchema = v.looseObject({ prices: Points, total_volumes: Points });

export interface MarketChartRequest {
  baseUrl: string;
  /** CoinGecko coin id, e.g. `bitcoin`. */
  id: string;
  /** 1–365. */
  days: number;
  apiKey?: string | undefined;
  nowMs: number;
  signal?: AbortSignal | undefined;
  /** Called once the request has its slot on the host's pacing and is sent. */
  onPaced?: (() => void) | undefined;
}

export function marketChartUrl(request: MarketChartRequest): string {
  const days = Math.max(1, Math.min(MARKET_CHART_MAX_DAYS, Math.ceil(request.days)));
  return `${request.baseUrl}/coins/${encodeURIComponent(request.id)}/market_chart?vs_currency=usd&days=${days}&interval=daily`;
}

/** @throws QahtError QAHT_ERR_INVALID_DATA when the shape changed; the client's errors otherwise. */
export async function fetchMarketChart(http: HttpGetter, request: MarketChartRequest): Promise<CandleSeries> {
  const url = marketChartUrl(request);
  const headers = request.apiKey ? { 'x-cg-demo-api-key': request.apiKey } : undefined;
  const response = await http.request(url, {
    source: SOURCE,
    signal: request.signal,
    onPaced: request.onPaced,
    ...(headers ? { headers, secrets: [request.apiKey!] } : {}),
  });
  const chart = validateResponse(SOURCE, MarketChartSchema, parseJsonText(SOURCE, response.text, url), { url });
  return dailyBarsFromChart(chart.prices, chart.total_volumes, request.nowMs);
}

/** Day bars from market_chart's price and volume points (see the module comment). */
export function dailyBarsFromChart(
  prices: ReadonlyArray<readonly [number, number | null, ...unknown[]]>,
  volumes: ReadonlyArray<readonly [number, number | null, ...unknown[]]>,
  nowMs: number,
): CandleSeries {
  // The last point is the provisional "now" one, whatever its stamp.
  const usable = prices.slice(0, -1);
  const volumeAt = new Map(volumes.slice(0, -1).map((point) => [point[0], point[1]]));
  const bars: Bar[] = [];
  let previousClose: number | undefined;
  for (const [stamp, close] of [...usable].sort((a, b) => a[0] - b[0])) {
    if (stamp % DAY_MS !== 0 || close === null || !(close > 0)) continue;
    const volume = volumeAt.get(stamp);
    bars.push({
      openTime: stamp - DAY_MS,
      open: previousClose ?? close,
      high: close,
      low: close,
      close,
      quoteVolume: typeof volume === 'number' && Number.isFinite(volume) ? volume : 0,
    });
    previousClose = close;
  }
  return closedSeries(bars, '1d', nowMs);
}

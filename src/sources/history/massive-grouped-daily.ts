/**
 * Massive (formerly Polygon.io) grouped daily, keyed (`MASSIVE_API_KEY`, sent as
 * `Authorization: Bearer`): `GET /v2/aggs/grouped/locale/us/market/stocks/{YYYY-MM-DD}?adjusted=true`
 * gives every US stock's bar for one day in one request (`results[]`: `T` ticker, `o h l c`, `v`
 * volume in shares, `vw` volume-weighted price, `t` epoch ms). Base `https://api.massive.com`;
 * the free plan allows 5 requests a minute. A day without trading answers no results.
 */
import * as v from 'valibot';
import type { HttpGetter } from '../../http/types.js';
import { parseJsonText } from '../shared/json-text.js';
import { validateResponse } from '../shared/validate.js';

const SOURCE = 'massive';
/** Massive's REST base, as its own clients default to it. */
export const MASSIVE_DEFAULT_BASE_URL = 'https://api.massive.com';

const ResultSchema = v.looseObject({
  T: v.string(),
  o: v.number(),
  h: v.number(),
  l: v.number(),
  c: v.number(),
  v: v.number(),
  vw: v.optional(v.number()),
});
const GroupedSchema = v.looseObject({ results: v.optional(v.array(ResultSchema)) });

/** One stock's bar of the day; `quoteVolume` is shares × the volume-weighted price (or the close). */
export interface StockDayBar {
  ticker: string;
  open: number;
  high: number;
  low: number;
  close: number;
  quoteVolume: number;
}

export function groupedDailyUrl(baseUrl: string, day: string): string {
  return `${baseUrl}/v2/aggs/grouped/locale/us/market/stocks/${day}?adjusted=true`;
}

/** @param day `YYYY-MM-DD` (UTC). @throws QahtError QAHT_ERR_INVALID_DATA when the shape changed. */
export async function fetchGroupedDaily(
  http: HttpGetter,
  request: { baseUrl: string; day: string; apiKey: string; signal?: AbortSignal },
): Promise<StockDayBar[]> {
  const url = groupedDailyUrl(request.baseUrl, request.day);
  const response = await http.request(url, {
    source: SOURCE,
    signal: request.signal,
    headers: { authorization: `Bearer ${request.apiKey}` },
    secrets: [request.apiKey],
  });
  const body = validateResponse(SOURCE, GroupedSchema, parseJsonText(SOURCE, response.text, url), { url });
  return (body.results ?? []).map((r) => ({
    ticker: r.T,
    open: r.o,
    high: r.h,
    low: r.l,
    close: r.c,
    quoteVolume: r.v * (r.vw ?? r.c),
  }));
}

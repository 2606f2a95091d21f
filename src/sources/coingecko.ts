/**
 * CoinGecko `/coins/markets`: the crypto universe, the top N coins by market cap with 1h/24h/7d
 * changes and a 7-day hourly sparkline. Keyless by default; `COINGECKO_API_KEY` (a free Demo
 * key) goes in the `x-cg-demo-api-key` header. Pages of 250 are fetched one after another: the
 * limiter paces them (keyless budget about 30 calls a minute).
 */
import * as v from 'valibot';
import { QahtError } from '../errors.js';
import type { HttpGetter, HttpResponse } from '../http/types.js';
import type { CoinMarket } from './crypto/records.js';
import { shortText } from './shared/text.js';
import { unexpectedData, validateResponse } from './shared/validate.js';

const SOURCE = 'coingecko';
/** CoinGecko's maximum page size. */
export const COINGECKO_PAGE_SIZE = 250;

/** Progress hooks (structurally `Runtime['progress']`); called only when more than one page is needed. */
export interface PageProgress {
  start(label: string, total: number): void;
  tick(done: number): void;
  stop(): void;
}

export interface CoinGeckoMarketsOptions {
  /** API base without trailing slash, e.g. `https://api.coingecko.com/api/v3`. */
  baseUrl: string;
  /** Demo API key, sent as `x-cg-demo-api-key` (and scrubbed from errors). */
  apiKey?: string | undefined;
  /** How many coins, by market cap (pages of 250). */
  top: number;
  /** The currency CoinGecko quotes prices, volumes and caps in (`vs_currency`). @default 'usd' */
  vsCurrency?: string;
  progress?: PageProgress;
  signal?: AbortSignal;
}

// Keys CoinGecko always sends (value may be null) are required, so a renamed field is caught as a
// shape change instead of silently becoming "no price".
const MarketSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  symbol: v.string(),
  name: v.string(),
  current_price: v.nullable(v.number()),
  market_cap: v.nullable(v.number()),
  market_cap_rank: v.nullish(v.number()),
  total_volume: v.nullable(v.number()),
  price_change_percentage_24h: v.nullish(v.number()),
  price_change_percentage_1h_in_currency: v.nullish(v.number()),
  price_change_percentage_24h_in_currency: v.nullish(v.number()),
  price_change_percentage_7d_in_currency: v.nullish(v.number()),
  sparkline_in_7d: v.nullish(v.object({ price: v.nullish(v.array(v.nullable(v.number()))) })),
});
const MarketsSchema = v.array(MarketSchema);
type MarketItem = v.InferOutput<typeof MarketSchema>;

/** Builds the request URL for one page (1-based). */
export function coinGeckoMarketsUrl(baseUrl: string, page: number, vsCurrency = 'usd'): string {
  const params = new URLSearchParams({
    vs_currency: vsCurrency,
    order: 'market_cap_desc',
    per_page: String(COINGECKO_PAGE_SIZE),
    page: String(page),
    sparkline: 'true',
    price_change_percentage: '1h,24h,7d',
  });
  return `${baseUrl}/coins/markets?${params.toString()}`;
}

/**
 * Fetches the top `top` coins (ceil(top / 250) pages, sequentially), validated and mapped.
 * Stops early when a page comes back short (the end of the list). A coin repeated across pages
 * (ranks shift between requests) is kept once, at its first position.
 * @throws QahtError QAHT_ERR_RATE_LIMITED for a rate-limit body or a Cloudflare page at HTTP 200;
 *   QAHT_ERR_INVALID_DATA when the shape changed; the client's errors otherwise.
 */
export async function fetchCoinGeckoMarkets(http: HttpGetter, options: CoinGeckoMarketsOptions): Promise<CoinMarket[]> {
  const pages = Math.max(1, Math.ceil(options.top / COINGECKO_PAGE_SIZE));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers['x-cg-demo-api-key'] = options.apiKey;
  const secrets = options.apiKey ? [options.apiKey] : [];
  const progress = pages > 1 ? options.progress : undefined;
  const seen = new Set<string>();
  const coins: CoinMarket[] = [];

  progress?.start('coingecko pages', pages);
  try {
    for (let page = 1; page <= pages; page += 1) {
      const url = coinGeckoMarketsUrl(options.baseUrl, page, options.vsCurrency);
      const response = await http.request(url, {
        headers,
        secrets,
        source: SOURCE,
        signal: options.signal,
        classify: classifyCoinGeckoResponse,
      });
      const items = validateResponse(SOURCE, MarketsSchema, decodeBody(response.text, response.url), { url: response.url });
      for (const item of items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        coins.push(toCoinMarket(item));
      }
      progress?.tick(page);
      if (items.length < COINGECKO_PAGE_SIZE) break;
    }
  } finally {
    progress?.stop();
  }
  return coins.slice(0, options.top);
}

function toCoinMarket(item: MarketItem): CoinMarket {
  const sparkline = (item.sparkline_in_7d?.price ?? []).filter((p): p is number => p !== null);
  return {
    id: item.id,
    symbol: item.symbol,
    name: item.name,
    rank: item.market_cap_rank ?? null,
    priceUsd: item.current_price,
    marketCapUsd: item.market_cap,
    volume24hUsd: item.total_volume,
    change1hPct: item.price_change_percentage_1h_in_currency ?? null,
    change24hPct: item.price_change_percentage_24h_in_currency ?? item.price_change_percentage_24h ?? null,
    change7dPct: item.price_change_percentage_7d_in_currency ?? null,
    sparkline7d: sparkline.length > 0 ? sparkline : null,
  };
}

/**
 * The check each attempt runs (`RequestOptions.classify`): CoinGecko's rate-limit body
 * (`{"status":{"error_code":429}}`) or Cloudflare page, or another error object, at HTTP 200 is the
 * attempt's failure. A page of coins is a JSON array, so only other bodies are parsed here.
 */
export function classifyCoinGeckoResponse(response: HttpResponse): QahtError | undefined {
  const text = response.text.trimStart();
  if (text.startsWith('<')) return cloudflarePage(text, response.url);
  if (!text.startsWith('{')) return undefined;
  try {
    return coinGeckoErrorIn(JSON.parse(text), response.url);
  } catch {
    return undefined;
  }
}

function cloudflarePage(text: string, url: string, cause?: unknown): QahtError | undefined {
  if (!/cloudflare|cf-ray|just a moment|attention required|error 10(?:15|20)|rate.?limit/i.test(text)) return undefined;
  return new QahtError('QAHT_ERR_RATE_LIMITED', 'coingecko answered with a Cloudflare page instead of data (rate limited or blocked)', {
    url,
    cause,
  });
}

/**
 * Turns a 200 body into JSON, recognising CoinGecko's soft failures: an error object
 * (`{"status":{"error_code":429,...}}`, `{"error":{"status":...}}`, `{"error":"..."}`) or an
 * HTML page from its CDN (Cloudflare challenge or rate-limit page) instead of data.
 */
function decodeBody(text: string, url: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    if (/^\s*</.test(text))
      throw cloudflarePage(text, url, cause) ?? unexpectedData(SOURCE, 'an HTML page instead of JSON', { url, cause });
    throw unexpectedData(SOURCE, 'a body that is not JSON', { url, cause });
  }
  const softError = coinGeckoErrorIn(body, url);
  if (softError) throw softError;
  return body;
}

function coinGeckoErrorIn(body: unknown, url: string): QahtError | undefined {
  if (!isRecord(body)) return undefined;
  const status = isRecord(body.status) ? body.status : isRecord(body.error) && isRecord(body.error.status) ? body.error.status : undefined;
  if (status && (status.error_code !== undefined || status.error_message !== undefined)) {
    const code = typeof status.error_code === 'number' ? status.error_code : Number(status.error_code);
    const message = typeof status.error_message === 'string' ? shortText(status.error_message) : 'no message';
    if (code === 429) return new QahtError('QAHT_ERR_RATE_LIMITED', `coingecko rate limit: ${message}`, { url, status: 429 });
    return new QahtError('QAHT_ERR_HTTP_STATUS', `coingecko error ${Number.isFinite(code) ? code : '?'}: ${message}`, { url });
  }
  if (typeof body.error === 'string') {
    const message = shortText(body.error);
    return /rate limit|too many/i.test(body.error)
      ? new QahtError('QAHT_ERR_RATE_LIMITED', `coingecko rate limit: ${message}`, { url, status: 429 })
      : new QahtError('QAHT_ERR_HTTP_STATUS', `coingecko error: ${message}`, { url });
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

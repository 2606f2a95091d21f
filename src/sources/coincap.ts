/**
 * CoinCap v3 `/assets`: a second market-cap-ranked view, used to cross-check CoinGecko and as the
 * universe when CoinGecko is down. Needs `COINCAP_API_KEY` (header `Authorization: Bearer`).
 * Numbers arrive as decimal strings (some null); `rank` is a string in v2-era payloads and a
 * number in v3's docs, so both are accepted. The retired v2 API answered HTTP 200 with `data` as
 * an object holding a deprecation message: that is reported as unexpected data, not as no coins.
 */
import * as v from 'valibot';
import { QahtError } from '../errors.js';
import type { HttpGetter, HttpResponse } from '../http/types.js';
import type { CoinMarket } from './crypto/records.js';
import { numericLike, parseDecimal } from './shared/numbers.js';
import { shortText } from './shared/text.js';
import { unexpectedData, validateResponse } from './shared/validate.js';

const SOURCE = 'coincap';
/** CoinCap's documented maximum `limit`. */
export const COINCAP_MAX_LIMIT = 2000;

const AssetSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  rank: numericLike,
  symbol: v.string(),
  name: v.string(),
  priceUsd: numericLike,
  marketCapUsd: numericLike,
  volumeUsd24Hr: numericLike,
  changePercent24Hr: numericLike,
});
const AssetsSchema = v.object({ data: v.array(AssetSchema) });
type AssetItem = v.InferOutput<typeof AssetSchema>;

export interface CoinCapAssetsOptions {
  /** API base without trailing slash, e.g. `https://rest.coincap.io/v3`. */
  baseUrl: string;
  apiKey: string;
  /** How many assets, by rank (capped at 2000). */
  limit: number;
  signal?: AbortSignal;
}

/**
 * Fetches the top `limit` assets, validated and mapped (no 1h/7d changes or sparkline in CoinCap).
 * @throws QahtError QAHT_ERR_INVALID_DATA when the shape changed (including the v2 deprecation
 *   object); QAHT_ERR_RATE_LIMITED / QAHT_ERR_HTTP_STATUS for an error body at HTTP 200; the
 *   client's errors otherwise.
 */
export async function fetchCoinCapAssets(http: HttpGetter, options: CoinCapAssetsOptions): Promise<CoinMarket[]> {
  const limit = Math.min(COINCAP_MAX_LIMIT, Math.max(1, Math.floor(options.limit)));
  const url = `${options.baseUrl}/assets?${new URLSearchParams({ limit: String(limit) }).toString()}`;
  const body = await http.fetchJson(url, {
    headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
    secrets: [options.apiKey],
    source: SOURCE,
    signal: options.signal,
    classify: classifyCoinCapResponse,
  });
  rejectSoftErrors(body, url);
  return validateResponse(SOURCE, AssetsSchema, body, { url }).data.map(toCoinMarket);
}

function toCoinMarket(asset: AssetItem): CoinMarket {
  const rank = parseDecimal(asset.rank);
  return {
    id: asset.id,
    symbol: asset.symbol,
    name: asset.name,
    rank: rank !== null && Number.isInteger(rank) && rank > 0 ? rank : null,
    priceUsd: parseDecimal(asset.priceUsd),
    marketCapUsd: parseDecimal(asset.marketCapUsd),
    volume24hUsd: parseDecimal(asset.volumeUsd24Hr),
    change1hPct: null,
    change24hPct: parseDecimal(asset.changePercent24Hr),
    change7dPct: null,
    sparkline7d: null,
  };
}

/** Failures CoinCap reports inside HTTP 200: the v2 deprecation object and `{"error": "..."}`. */
function rejectSoftErrors(body: unknown, url: string): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const { data, error } = body as { data?: unknown; error?: unknown };
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const message = (data as { message?: unknown }).message;
    throw unexpectedData(SOURCE, typeof message === 'string' ? `data is an object: "${message}"` : 'data is an object, not a list', {
      url,
    });
  }
  if (typeof error === 'string' && data === undefined) throw coinCapErrorBody(error, url);
}

/**
 * The check each attempt runs (`RequestOptions.classify`): CoinCap's `{"error": "..."}` at HTTP
 * 200 is the attempt's failure, a rate-limit message a soft rate limit.
 */
export function classifyCoinCapResponse(response: HttpResponse): QahtError | undefined {
  if (!response.text.includes('"error"')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { data, error } = body as { data?: unknown; error?: unknown };
  return typeof error === 'string' && data === undefined ? coinCapErrorBody(error, response.url) : undefined;
}

function coinCapErrorBody(error: string, url: string): QahtError {
  if (/rate limit|too many/i.test(error))
    return new QahtError('QAHT_ERR_RATE_LIMITED', `coincap rate limit: ${shortText(error)}`, { url, status: 429 });
  return new QahtError('QAHT_ERR_HTTP_STATUS', `coincap error: ${shortText(error)}`, { url });
}

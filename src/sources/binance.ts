/**
 * Binance spot market data, keyless: `/api/v3/ticker/24hr` for every symbol (one request, weight
 * 80) plus `/api/v3/exchangeInfo` (weight 20) to know each symbol's base and quote asset. Binance
 * geo-blocks some regions with HTTP 451 (and its WAF answers 403), so hosts are tried in order.
 *
 * Hosts: `BINANCE_FALLBACK_BASE_URLS` by default. `SCREEN_BINANCE_URL` replaces the whole chain
 * and may be a comma-separated list of bases tried in the same order
 * (`SCREEN_BINANCE_URL=http://127.0.0.1:9001,http://127.0.0.1:9002`); a single base means a
 * single host, no fallback.
 */
import * as v from 'valibot';
import { isCircuitOpenError, isQahtError, QahtError } from '../errors.js';
import type { HttpGetter } from '../http/types.js';
import { aggregateUsdAssets, USD_QUOTES, type BinanceTicker, type BinanceUsdSymbol } from './crypto/binance-usd-assets.js';
import type { BinanceAsset } from './crypto/records.js';
import { parseDecimal } from './shared/numbers.js';
import { shortText } from './shared/text.js';
import { unexpectedData, validateResponse } from './shared/validate.js';
import { hostOf } from './source-names.js';

const SOURCE = 'binance';

/** Statuses that mean "this host will not serve you" (geo-block, WAF), not "try again later". */
const REFUSAL_STATUSES = new Set([403, 451]);

const numericField = v.union([v.number(), v.string()]);
const TickersSchema = v.array(
  v.object({
    symbol: v.string(),
    lastPrice: numericField,
    priceChangePercent: numericField,
    quoteVolume: numericField,
  }),
);
const ExchangeInfoSchema = v.object({
  symbols: v.array(
    v.object({
      symbol: v.string(),
      status: v.string(),
      baseAsset: v.string(),
      quoteAsset: v.string(),
    }),
  ),
});

export interface BinanceAssetsOptions {
  /** Bases to try in order (`baseUrlsFor('binance', env)`; see the module comment for `SCREEN_BINANCE_URL`). */
  baseUrls: readonly string[];
  /**
   * The TRADING USD-quoted symbols of one host. The command wraps `fetchBinanceUsdSymbols` in a
   * day-long cache entry; it is asked only for the host that served the ticker.
   */
  loadSymbols: (baseUrl: string) => Promise<BinanceUsdSymbol[]>;
  /** Called when a host refuses and the next one is tried (for a warning). */
  onFallback?: (refusedBaseUrl: string, reason: string, nextBaseUrl: string) => void;
  signal?: AbortSignal;
}

/**
 * Fetches the 24 h ticker from the first host that serves it and folds it into one record per
 * base asset traded against USD-like quotes.
 * @throws QahtError QAHT_ERR_HTTP_STATUS (status of the last refusal) when every host refuses;
 *   QAHT_ERR_INVALID_DATA when the shape changed; the client's errors otherwise.
 */
export async function fetchBinanceUsdAssets(http: HttpGetter, options: BinanceAssetsOptions): Promise<BinanceAsset[]> {
  const refusals: string[] = [];
  let lastRefusal: QahtError | undefined;
  for (const [index, baseUrl] of options.baseUrls.entries()) {
    let tickers: BinanceTicker[];
    try {
      tickers = await fetchTickers(http, baseUrl, options.signal);
    } catch (error) {
      const reason = refusalReason(error);
      if (reason === undefined) throw error;
      refusals.push(`${hostOf(baseUrl) ?? baseUrl} ${reason}`);
      lastRefusal = error as QahtError;
      const next = options.baseUrls[index + 1];
      if (next !== undefined) options.onFallback?.(baseUrl, reason, next);
      continue;
    }
    return aggregateUsdAssets(tickers, await options.loadSymbols(baseUrl));
  }
  throw new QahtError('QAHT_ERR_HTTP_STATUS', `binance: every host refused (${refusals.join(', ') || 'no hosts configured'})`, {
    status: lastRefusal?.status,
    cause: lastRefusal,
    retryAfterMs: lastRefusal?.retryAfterMs,
  });
}

/**
 * `exchangeInfo` reduced to what the screen needs: TRADING symbols quoted in a USD-like asset.
 * @throws QahtError QAHT_ERR_INVALID_DATA when the shape changed; the client's errors otherwise.
 */
export async function fetchBinanceUsdSymbols(http: HttpGetter, baseUrl: string, signal?: AbortSignal): Promise<BinanceUsdSymbol[]> {
  const url = `${baseUrl}/api/v3/exchangeInfo`;
  const body = await http.fetchJson(url, { source: SOURCE, signal });
  rejectErrorObject(body, url);
  const info = validateResponse(SOURCE, ExchangeInfoSchema, body, { url });
  const usdQuotes: ReadonlySet<string> = new Set(USD_QUOTES);
  return info.symbols
    .filter((s) => s.status === 'TRADING' && usdQuotes.has(s.quoteAsset))
    .map((s) => ({ symbol: s.symbol, base: s.baseAsset, quote: s.quoteAsset }));
}

async function fetchTickers(http: HttpGetter, baseUrl: string, signal?: AbortSignal): Promise<BinanceTicker[]> {
  const url = `${baseUrl}/api/v3/ticker/24hr`;
  const body = await http.fetchJson(url, { source: SOURCE, signal });
  rejectErrorObject(body, url);
  return validateResponse(SOURCE, TickersSchema, body, { url }).map((t) => ({
    symbol: t.symbol,
    lastPrice: parseDecimal(t.lastPrice),
    priceChangePercent: parseDecimal(t.priceChangePercent),
    quoteVolume: parseDecimal(t.quoteVolume),
  }));
}

/** Binance's error body (`{"code":-1121,"msg":"..."}`) at HTTP 200 is not data. */
function rejectErrorObject(body: unknown, url: string): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const { code, msg } = body as { code?: unknown; msg?: unknown };
  if (typeof msg === 'string' && code !== undefined) throw unexpectedData(SOURCE, `error ${String(code)}: ${shortText(msg)}`, { url });
}

/**
 * Why a host will not serve us, or undefined when the failure is not a refusal. An open breaker
 * counts: it may have opened on this host's earlier refusals, and the next host is independent.
 */
function refusalReason(error: unknown): string | undefined {
  if (isCircuitOpenError(error)) return 'circuit open';
  if (isQahtError(error) && error.code === 'QAHT_ERR_HTTP_STATUS' && error.status !== undefined && REFUSAL_STATUSES.has(error.status)) {
    return `HTTP ${error.status}`;
  }
  return undefined;
}

/**
 * `screen crypto`: CoinGecko (universe), Binance (exchange prices and volume) and CoinCap (a
 * second ranked view, with a key) fetched concurrently through the cache, then screened.
 *
 * Cache TTLs: coingecko markets 60 s, binance ticker 60 s, binance exchangeInfo 24 h (per host),
 * coincap assets 60 s. When a fetch fails, cached data of any age is served, marked `stale`; past
 * 7 days (exchangeInfo 30 days) it is also marked very stale.
 */
import { QahtError } from '../../errors.js';
import type { CommandResult } from '../../report.js';
import type { HttpGetter } from '../../http/types.js';
import type { CryptoRow } from '../../screens/crypto/crypto-row.js';
import { screenCrypto } from '../../screens/crypto/screen-crypto.js';
import type { CryptoSortKey } from '../../screens/crypto/sort.js';
import { SCORE_MODEL } from '../../screens/signals/signal-score.js';
import { cryptoEvidence } from '../eval/crypto-evidence.js';
import type { SignalFlag } from '../../screens/signals/signal-fields.js';
import { fetchBinanceUsdAssets, fetchBinanceUsdSymbols } from '../../sources/binance.js';
import { COINCAP_MAX_LIMIT, fetchCoinCapAssets } from '../../sources/coincap.js';
import { fetchCoinGeckoMarkets } from '../../sources/coingecko.js';
import { type BtcRates, fetchCoinGeckoRates, isBtcRates } from '../../sources/coingecko-rates.js';
import { inCurrency, toUsdMarket } from '../../screens/crypto/currency.js';
import type { BinanceUsdSymbol } from '../../sources/crypto/binance-usd-assets.js';
import { isBinanceAssetList, isBinanceUsdSymbolList, isCoinMarketList } from '../../sources/crypto/record-schemas.js';
import { apiKeyFor, type SourceName } from '../../sources/source-names.js';
import { describeError, runSource } from '../data/run-source.js';
import type { CommonOptions, Runtime } from '../../runtime/runtime.js';
import { DEFAULT_HISTORY_BUDGET, loadCryptoHistory, pendingHistoryNote } from '../history/crypto-history.js';

export interface CryptoOptions {
  /** `--top N`: universe size, the top N coins by market cap (CoinGecko pages of 250). 1–2500. @default 250 */
  top: number;
  /** `--sort KEY`: score | change24h | change7d | volume | mcap | turnover. @default 'score' */
  sort: CryptoSortKey;
  /** `--asc`: ascending instead of descending. @default false */
  ascending: boolean;
  /** `--min-volume USD`: gate, coins trading less in 24 h are excluded ("volume below $1M"). ≥ 0. @default 1_000_000 */
  minVolumeUsd: number;
  /** `--min-mcap USD`: filter on market cap, USD (unknown caps fail it). ≥ 0. @default undefined (off) */
  minMarketCapUsd: number | undefined;
  /** `--max-rank N`: filter, market-cap rank at most N (unranked coins fail it). ≥ 1. @default undefined (off) */
  maxRank: number | undefined;
  /** `--symbols BTC,ETH`: filter, only these symbols (any case); they also skip the stablecoin/wrapped/leveraged gates. @default undefined (all) */
  symbols: string[] | undefined;
  /** `--history-budget N`: candle history requests this run may send (0: read what is stored). @default 60 */
  historyBudget: number;
  /** `--signal NAME` (repeatable): filter, only rows carrying every flag given. @default [] (off) */
  signals: SignalFlag[];
  /** `--currency CODE`: prices, volumes and caps also in this currency (`CURRENCIES`). @default 'usd' */
  currency: string;
}

/** Defaults for every crypto flag. `--limit` (CommonOptions) defaults to `DEFAULT_CRYPTO_LIMIT`. */
export const DEFAULT_CRYPTO_OPTIONS: Readonly<CryptoOptions> = {
  top: 250,
  sort: 'score',
  ascending: false,
  minVolumeUsd: 1_000_000,
  minMarketCapUsd: undefined,
  maxRank: undefined,
  symbols: undefined,
  historyBudget: DEFAULT_HISTORY_BUDGET,
  signals: [],
  currency: 'usd',
};

/** Rows shown when `--limit` is not given (table, JSON and CSV alike). */
export const DEFAULT_CRYPTO_LIMIT = 50;
/** Largest `--top`: ten CoinGecko pages, about 20 s of keyless budget. */
export const MAX_CRYPTO_TOP = 2500;

/** Cache TTLs, ms. */
export const CRYPTO_TTL_MS = {
  coingeckoMarkets: 60_000,
  binanceTicker: 60_000,
  binanceExchangeInfo: 24 * 3600_000,
  coincapAssets: 60_000,
  coingeckoRates: 60_000,
} as const;
/** An exchange rate a day old still converts better than none (it is marked in the notes). */
const RATES_MAX_STALE_MS = 24 * 3600_000;
const EXCHANGE_INFO_MAX_STALE_MS = 30 * 24 * 3600_000;

/**
 * Runs the crypto screen. Never throws for a source failure (it goes into that source's report).
 * Options are not re-checked here: its option records (crypto/spec.ts) are the only caller and
 * validates every flag, and the library entry does not export commands.
 */
export async function runCrypto(rt: Runtime, options: CommonOptions & CryptoOptions): Promise<CommandResult<CryptoRow, SourceName>> {
  const nowMs = rt.clock.now();
  // --currency: CoinGecko quotes in it natively; the rest convert with the rate this run got from CoinGecko.
  const wanted = options.currency ?? 'usd';
  const rate = wanted === 'usd' ? undefined : await currencyRate(rt, wanted);
  const vsCurrency = rate?.perUsd === undefined ? 'usd' : wanted;
  // The symbols the ticker was folded with, kept for candle history (which needs the USDT pairs).
  let usdSymbols: BinanceUsdSymbol[] | undefined;
  const [geckoNative, binance, coincap] = await Promise.all([
    runSource(rt, options, {
      source: 'coingecko',
      key: `coins/markets?vs_currency=${vsCurrency}&top=${options.top}`,
      ttlMs: CRYPTO_TTL_MS.coingeckoMarkets,
      fetch: (ctx) =>
        fetchCoinGeckoMarkets(ctx.http, {
          baseUrl: ctx.baseUrl,
          apiKey: ctx.apiKey,
          top: options.top,
          progress: rt.progress,
          vsCurrency,
        }),
      validate: isCoinMarketList,
      count: (coins) => coins.length,
    }),
    runSource(rt, options, {
      source: 'binance',
      key: 'api/v3/ticker/24hr?quotes=usd',
      ttlMs: CRYPTO_TTL_MS.binanceTicker,
      fetch: (ctx) =>
        fetchBinanceUsdAssets(ctx.http, {
          baseUrls: ctx.baseUrls,
          loadSymbols: async (baseUrl) => {
            usdSymbols = await loadBinanceSymbols(rt, ctx.http, baseUrl);
            return usdSymbols;
          },
          onFallback: (refused, reason, next) => {
            rt.increment('source.host_fallbacks', 1, { source: 'binance' });
            rt.warn(`binance: ${hostLabel(refused)} refused (${reason}); trying ${hostLabel(next)}`);
          },
        }),
      validate: isBinanceAssetList,
      count: (assets) => assets.length,
    }),
    runSource(rt, options, {
      source: 'coincap',
      key: `assets?limit=${Math.min(options.top, COINCAP_MAX_LIMIT)}`,
      ttlMs: CRYPTO_TTL_MS.coincapAssets,
      requiresKey: true,
      fetch: (ctx) => fetchCoinCapAssets(ctx.http, { baseUrl: ctx.baseUrl, apiKey: ctx.apiKey ?? '', limit: options.top }),
      validate: isCoinMarketList,
      count: (coins) => coins.length,
    }),
  ]);

  const perUsd = vsCurrency === 'usd' ? undefined : rate?.perUsd;
  // The pipeline (gates, scores, signals) works in USD: CoinGecko's quotes are turned back with the rate.
  const coingecko =
    perUsd === undefined || geckoNative.value === undefined
      ? geckoNative
      : { ...geckoNative, value: geckoNative.value.map((market) => toUsdMarket(market, perUsd)) };
  const history = await loadCryptoHistory(rt, {
    coins: coingecko.value ?? coincap.value ?? [],
    usdSymbols: async () => {
      if (usdSymbols) return usdSymbols;
      const [baseUrl] = await rt.baseUrls('binance');
      return baseUrl === undefined ? undefined : loadBinanceSymbols(rt, undefined, baseUrl);
    },
    budget: options.historyBudget,
    fetch: rt.cache.mode !== 'offline',
    sources: historySources([coingecko.report, binance.report]),
    asOfMs: nowMs,
  });
  const screen = screenCrypto(
    { coingecko: coingecko.value, binance: binance.value, coincap: coincap.value, history },
    {
      sort: options.sort,
      ascending: options.ascending,
      minVolumeUsd: options.minVolumeUsd,
      minMarketCapUsd: options.minMarketCapUsd,
      maxRank: options.maxRank,
      symbols: options.symbols,
      signals: options.signals,
      limit: options.limit ?? DEFAULT_CRYPTO_LIMIT,
      asOfMs: nowMs,
    },
  );
  const reports = { coingecko: coingecko.report, binance: binance.report, coincap: coincap.report };
  const evidence = await cryptoEvidence(rt, screen, {
    defaultUniverse:
      options.top === DEFAULT_CRYPTO_OPTIONS.top &&
      options.minVolumeUsd === DEFAULT_CRYPTO_OPTIONS.minVolumeUsd &&
      options.symbols === undefined,
    universe: screen.universe ? reports[screen.universe] : undefined,
    nowMs,
  });
  const native = new Map((perUsd === undefined ? [] : (geckoNative.value ?? [])).map((market) => [market.id, market]));
  return {
    command: 'crypto',
    generatedAt: new Date(nowMs).toISOString(),
    sources: [coingecko.report, binance.report, coincap.report],
    results: perUsd === undefined ? evidence.rows : inCurrency(evidence.rows, native, perUsd),
    excluded: screen.excluded,
    notes: withNote(withNote(withNote(screen.notes, pendingHistoryNote(history, options.historyBudget)), rate?.note), evidence.note),
    document: {
      scoreModel: SCORE_MODEL,
      currency: vsCurrency,
      ...(perUsd === undefined ? {} : { currencyPerUsd: perUsd }),
      ...evidence.document,
    },
  };
}

/**
 * Units of `currency` per USD, from CoinGecko's `/exchange_rates` (one BTC in each), through the
 * cache; a note when the rate is stale, or when there is none (the run then stays in USD).
 */
async function currencyRate(rt: Runtime, currency: string): Promise<{ perUsd: number | undefined; note: string | undefined }> {
  const lookup = await rt.cache.lookup<BtcRates>({
    source: 'coingecko',
    key: 'coingecko:exchange_rates',
    ttlMs: CRYPTO_TTL_MS.coingeckoRates,
    maxStaleMs: RATES_MAX_STALE_MS,
    fetch: async () => {
      const [http, baseUrls] = await Promise.all([rt.http(), rt.baseUrls('coingecko')]);
      return fetchCoinGeckoRates(http, { baseUrl: baseUrls[0]!, apiKey: apiKeyFor('coingecko', rt.env) });
    },
    validate: isBtcRates,
  });
  const code = currency.toUpperCase();
  const rates = lookup.value;
  const perBtc = rates?.[currency];
  if (rates === undefined || perBtc === undefined) {
    const why = rates === undefined ? describeError(lookup.error) : `CoinGecko has no ${code} rate`;
    return { perUsd: undefined, note: `prices in USD, not ${code}: no exchange rate (${why})` };
  }
  const stale =
    lookup.status === 'stale'
      ? `${code} rate from cache, ${Math.round((rt.clock.now() - (lookup.fetchedAt ?? 0)) / 60_000)} min old`
      : undefined;
  return { perUsd: perBtc / rates.usd!, note: stale };
}

/** The history sources whose snapshot this run got (fresh or cached): the ones history may ask. */
/**
 * The sources a run may ask for history: those whose snapshot answered (fresh or cached), less
 * CoinGecko when this run has just fetched from it: its next request slot is then its documented
 * delay (2 s) away, and a history request would only wait its bound and give up.
 */
function historySources(reports: ReadonlyArray<{ name: SourceName; status: string }>): Set<'binance' | 'coingecko'> {
  const out = new Set<'binance' | 'coingecko'>();
  for (const report of reports) {
    if (report.name === 'binance' && (report.status === 'fresh' || report.status === 'cached')) out.add(report.name);
    if (report.name === 'coingecko' && report.status === 'cached') out.add(report.name);
  }
  return out;
}

function withNote(notes: string[], note: string | undefined): string[] {
  return note === undefined ? notes : [...notes, note];
}

/** exchangeInfo of one host, through its own day-long cache entry (stale allowed: listings change slowly). */
export async function loadBinanceSymbols(rt: Runtime, http: HttpGetter | undefined, baseUrl: string): Promise<BinanceUsdSymbol[]> {
  const lookup = await rt.cache.lookup<BinanceUsdSymbol[]>({
    source: 'binance',
    key: `binance:api/v3/exchangeInfo@${hostLabel(baseUrl)}`,
    ttlMs: CRYPTO_TTL_MS.binanceExchangeInfo,
    maxStaleMs: EXCHANGE_INFO_MAX_STALE_MS,
    fetch: async () => fetchBinanceUsdSymbols(http ?? (await rt.http()), baseUrl),
    validate: isBinanceUsdSymbolList,
  });
  if (lookup.value !== undefined) return lookup.value;
  throw lookup.error ?? new QahtError('QAHT_ERR_NO_DATA', 'binance exchangeInfo unavailable');
}

/** Host and base path without the port, so the demo's and tests' random ports share one entry. */
function hostLabel(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.hostname}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl;
  }
}

/**
 * Merging the three crypto sources into one record per coin, keyed by provider id.
 *
 * - The universe is CoinGecko's list; if CoinGecko failed, CoinCap's; if both failed, Binance's
 *   base assets (no market cap, no rank).
 * - CoinCap joins a universe coin by id (its ids mostly equal CoinGecko's), else by symbol + name.
 * - A Binance base asset joins by symbol. Where several coins share a symbol, the pair goes to the
 *   one with the largest market cap (then better rank, then id), so a small namesake never
 *   captures a large coin's market.
 * - A joining source must quote a price within `priceMismatchRatio` of the universe's. If it
 *   does not, the universe price stands, that source contributes nothing to the row, and the row
 *   is flagged `price_mismatch:<source>` (never merged silently). Agreeing sources fill fields the
 *   universe left null and count as cross-source agreement for the score.
 */
import type { BinanceAsset, CoinMarket } from '../../sources/crypto/records.js';
import type { CryptoSource } from './crypto-row.js';
import { nameKey, symbolKey } from './match-key.js';

/** What each source returned; `undefined` = the source did not answer (failed or skipped). */
export interface CryptoSourceData {
  coingecko?: CoinMarket[] | undefined;
  coincap?: CoinMarket[] | undefined;
  binance?: BinanceAsset[] | undefined;
}

/** One coin after merging, before gates and scoring. */
export interface MergedCoin extends Omit<CoinMarket, 'symbol'> {
  /** Upper-cased symbol. */
  symbol: string;
  /** Contributing sources, in `CRYPTO_SOURCE_ORDER`. */
  sources: CryptoSource[];
  /** Joining sources whose price agreed with the universe's. */
  agreeing: CryptoSource[];
  /** Joining sources whose price disagreed (their data was dropped). */
  mismatched: CryptoSource[];
}

export interface MergeOptions {
  /** Largest relative price difference still counted as agreement. @default 0.10 (10%) */
  priceMismatchRatio?: number;
}

export interface MergeResult {
  coins: MergedCoin[];
  /** Which source defined the list of coins; undefined when no source answered. */
  universe: CryptoSource | undefined;
}

export const CRYPTO_SOURCE_ORDER: readonly CryptoSource[] = ['coingecko', 'binance', 'coincap'];
export const DEFAULT_PRICE_MISMATCH_RATIO = 0.1;

/** Builds the merged coin list (see the module comment for the rules). Pure and deterministic. */
export function mergeCryptoSources(data: CryptoSourceData, options: MergeOptions = {}): MergeResult {
  const ratio = options.priceMismatchRatio ?? DEFAULT_PRICE_MISMATCH_RATIO;
  const coingecko = nonEmpty(data.coingecko);
  const coincap = nonEmpty(data.coincap);
  const binance = nonEmpty(data.binance);

  if (!coingecko && !coincap) {
    return binance ? { coins: binance.map(fromBinanceAsset), universe: 'binance' } : { coins: [], universe: undefined };
  }
  const universe: CryptoSource = coingecko ? 'coingecko' : 'coincap';
  const coins = (coingecko ?? coincap ?? []).map((market) => fromUniverse(market, universe));
  if (coingecko && coincap) joinCoinCap(coins, coincap, ratio);
  if (binance) joinBinance(coins, binance, ratio);
  for (const coin of coins) coin.sources.sort((a, b) => CRYPTO_SOURCE_ORDER.indexOf(a) - CRYPTO_SOURCE_ORDER.indexOf(b));
  return { coins, universe };
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function fromUniverse(market: CoinMarket, source: CryptoSource): MergedCoin {
  return { ...market, symbol: symbolKey(market.symbol), sources: [source], agreeing: [], mismatched: [] };
}

function fromBinanceAsset(asset: BinanceAsset): MergedCoin {
  const symbol = symbolKey(asset.base);
  return {
    id: symbol.toLowerCase(),
    symbol,
    name: asset.base,
    rank: null,
    priceUsd: asset.priceUsd,
    marketCapUsd: null,
    volume24hUsd: asset.volume24hUsd,
    change1hPct: null,
    change24hPct: asset.change24hPct,
    change7dPct: null,
    sparkline7d: null,
    sources: ['binance'],
    agreeing: [],
    mismatched: [],
  };
}

/** Id first, then symbol + name for the coins and assets still unpaired. */
function joinCoinCap(coins: MergedCoin[], assets: CoinMarket[], ratio: number): void {
  const byId = new Map(assets.map((asset) => [asset.id, asset]));
  const used = new Set<CoinMarket>();
  const unpaired: MergedCoin[] = [];
  for (const coin of coins) {
    const asset = byId.get(coin.id);
    if (asset && !used.has(asset)) {
      used.add(asset);
      reconcile(coin, 'coincap', asset, ratio);
    } else {
      unpaired.push(coin);
    }
  }
  const bySymbolName = new Map<string, CoinMarket>();
  for (const asset of assets) {
    const key = `${symbolKey(asset.symbol)}|${nameKey(asset.name)}`;
    if (!used.has(asset) && !bySymbolName.has(key)) bySymbolName.set(key, asset);
  }
  for (const coin of unpaired) {
    const key = `${coin.symbol}|${nameKey(coin.name)}`;
    const asset = bySymbolName.get(key);
    if (!asset) continue;
    bySymbolName.delete(key);
    reconcile(coin, 'coincap', asset, ratio);
  }
}

function joinBinance(coins: MergedCoin[], assets: BinanceAsset[], ratio: number): void {
  const owner = new Map<string, MergedCoin>();
  for (const coin of coins) {
    const current = owner.get(coin.symbol);
    if (!current || outranks(coin, current)) owner.set(coin.symbol, coin);
  }
  for (const asset of assets) {
    const coin = owner.get(symbolKey(asset.base));
    if (coin) reconcile(coin, 'binance', { ...asset, marketCapUsd: null }, ratio);
  }
}

/** Larger market cap wins a shared symbol (nulls lose), then the better rank, then the smaller id. */
function outranks(a: MergedCoin, b: MergedCoin): boolean {
  if (a.marketCapUsd !== b.marketCapUsd) {
    if (a.marketCapUsd === null) return false;
    if (b.marketCapUsd === null) return true;
    return a.marketCapUsd > b.marketCapUsd;
  }
  if (a.rank !== b.rank) {
    if (a.rank === null) return false;
    if (b.rank === null) return true;
    return a.rank < b.rank;
  }
  return a.id < b.id;
}

type Quote = Pick<CoinMarket, 'priceUsd' | 'marketCapUsd' | 'volume24hUsd' | 'change24hPct'>;

/** Accepts or rejects one joining source's quote for a coin (see the module comment). */
function reconcile(coin: MergedCoin, source: CryptoSource, quote: Quote, ratio: number): void {
  if (quote.priceUsd === null || quote.priceUsd <= 0) return;
  if (coin.priceUsd !== null && coin.priceUsd > 0) {
    if (Math.abs(quote.priceUsd - coin.priceUsd) / coin.priceUsd > ratio) {
      coin.mismatched.push(source);
      return;
    }
    coin.agreeing.push(source);
  } else {
    coin.priceUsd = quote.priceUsd;
  }
  coin.marketCapUsd ??= quote.marketCapUsd;
  coin.volume24hUsd ??= quote.volume24hUsd;
  coin.change24hPct ??= quote.change24hPct;
  coin.sources.push(source);
}

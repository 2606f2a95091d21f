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
import type { CryptoHistory } from './coin-history.js';
import type { BinanceAsset, CoinMarket } from '../../sources/crypto/records.js';
import type { CryptoSource } from './crypto-row.js';
import { nameKey, symbolKey } from './match-key.js';

/** What each source returned; `undefined` = the source did not answer (failed or skipped). */
export interface CryptoSourceData {
  coingecko?: CoinMarket[] | undefined;
  coincap?: CoinMarket[] | undefined;
  binance?: BinanceAsset[] | undefined;
  /** Candle history of the ranked coins (undefined: the run kept none). Merging ignores it; signals read it. */
  history?: CryptoHistory | undefined;
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
  return { coins, universe };
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/**
 * A coin's empty `agreeing`/`mismatched` list, shared until something is added (`appended`): most
 * coins never get one, and a screen of 20,000 coins should not allocate 40,000 empty arrays.
 */
const NO_SOURCES: CryptoSource[] = Object.freeze([]) as unknown as CryptoSource[];

function appended(list: CryptoSource[], source: CryptoSource): CryptoSource[] {
  if (list === NO_SOURCES) return [source];
  list.push(source);
  return list;
}

// Written out field by field rather than spread: one object shape for every coin, built fast.
function fromUniverse(market: CoinMarket, source: CryptoSource): MergedCoin {
  return {
    id: market.id,
    symbol: symbolKey(market.symbol),
    name: market.name,
    rank: market.rank,
    priceUsd: market.priceUsd,
    marketCapUsd: market.marketCapUsd,
    volume24hUsd: market.volume24hUsd,
    change1hPct: market.change1hPct,
    change24hPct: market.change24hPct,
    change7dPct: market.change7dPct,
    sparkline7d: market.sparkline7d,
    sources: [source],
    agreeing: NO_SOURCES,
    mismatched: NO_SOURCES,
  };
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
    agreeing: NO_SOURCES,
    mismatched: NO_SOURCES,
  };
}

/**
 * Id first, then symbol + name for the coins and assets still unpaired. Assets are tracked by
 * position, not as keys of a Set: giving thousands of parsed objects an identity hash is slow.
 */
function joinCoinCap(coins: MergedCoin[], assets: CoinMarket[], ratio: number): void {
  // A repeated id: the last copy is the one joined (as a Map built from the list would keep).
  const byId = new Map<string, number>();
  assets.forEach((asset, at) => {
    byId.set(asset.id, at);
  });
  const used = new Uint8Array(assets.length);
  const unpaired: MergedCoin[] = [];
  for (const coin of coins) {
    const at = byId.get(coin.id);
    if (at !== undefined && used[at] === 0) {
      used[at] = 1;
      reconcile(coin, 'coincap', assets[at]!, ratio);
    } else {
      unpaired.push(coin);
    }
  }
  if (unpaired.length === 0) return;
  const bySymbolName = new Map<string, CoinMarket>();
  assets.forEach((asset, at) => {
    if (used[at] === 1) return;
    const key = `${symbolKey(asset.symbol)}|${nameKey(asset.name)}`;
    if (!bySymbolName.has(key)) bySymbolName.set(key, asset);
  });
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
    if (coin)
      reconcile(
        coin,
        'binance',
        { priceUsd: asset.priceUsd, marketCapUsd: null, volume24hUsd: asset.volume24hUsd, change24hPct: asset.change24hPct },
        ratio,
      );
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
      coin.mismatched = appended(coin.mismatched, source);
      return;
    }
    coin.agreeing = appended(coin.agreeing, source);
  } else {
    coin.priceUsd = quote.priceUsd;
  }
  coin.marketCapUsd ??= quote.marketCapUsd;
  coin.volume24hUsd ??= quote.volume24hUsd;
  coin.change24hPct ??= quote.change24hPct;
  // Kept in `CRYPTO_SOURCE_ORDER` as they are added, rather than sorted afterwards for every coin.
  const at = coin.sources.findIndex((listed) => CRYPTO_SOURCE_ORDER.indexOf(listed) > CRYPTO_SOURCE_ORDER.indexOf(source));
  if (at < 0) coin.sources.push(source);
  else coin.sources.splice(at, 0, source);
}

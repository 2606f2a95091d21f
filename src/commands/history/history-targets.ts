/**
 * Which series a coin's history lives in: Binance klines (daily and hourly) for a coin whose
 * symbol has a TRADING USDT pair, else CoinGecko's daily market_chart (no hourly).
 */
import type { CandleInterval } from '../../candle.js';
import type { BinanceUsdSymbol } from '../../sources/crypto/binance-usd-assets.js';
import type { SeriesKey } from '../../store/history/series-key.js';

/** A ranked coin as history needs it. */
export interface HistoryCoin {
  /** CoinGecko id (the key of the crypto run's history map). */
  id: string;
  symbol: string;
}

/** One series to keep, and the coin it belongs to. */
export interface SeriesTarget {
  coinId: string;
  key: SeriesKey;
  /** Position of the coin in the ranking (ties in "oldest first" go to the better ranked). */
  rank: number;
}

/** The series of `coins` for `intervals`, in rank order. */
export function historyTargets(
  coins: readonly HistoryCoin[],
  usdSymbols: readonly BinanceUsdSymbol[] | undefined,
  intervals: readonly CandleInterval[],
): SeriesTarget[] {
  const usdt = new Set((usdSymbols ?? []).filter((s) => s.quote === 'USDT').map((s) => s.symbol));
  const targets: SeriesTarget[] = [];
  const seen = new Set<string>();
  coins.forEach((coin, rank) => {
    if (seen.has(coin.id)) return;
    seen.add(coin.id);
    const pair = `${coin.symbol.toUpperCase()}USDT`;
    for (const interval of intervals) {
      if (usdt.has(pair)) targets.push({ coinId: coin.id, rank, key: { source: 'binance', interval, asset: pair } });
      else if (interval === '1d') targets.push({ coinId: coin.id, rank, key: { source: 'coingecko', interval, asset: coin.id } });
    }
  });
  return targets;
}

import type { BinanceAsset } from './records.js';

/** Quote assets counted as US dollars (stablecoins at ~$1 and Binance.US's real USD). */
export const USD_QUOTES = ['USDT', 'USDC', 'FDUSD', 'USD'] as const;

/** A TRADING symbol quoted in a USD-like asset, from `exchangeInfo` (what is cached for a day). */
export interface BinanceUsdSymbol {
  symbol: string;
  base: string;
  quote: string;
}

/** The fields of one `ticker/24hr` entry this screen uses, numbers already parsed. */
export interface BinanceTicker {
  symbol: string;
  lastPrice: number | null;
  priceChangePercent: number | null;
  quoteVolume: number | null;
}

/**
 * Folds USD-quoted pairs into one record per base asset: 24 h quote volume summed over the pairs,
 * price and change from the most liquid pair (ties: the order of `USD_QUOTES`). Tickers whose
 * symbol is not a TRADING USD pair are ignored. Sorted by base asset.
 */
export function aggregateUsdAssets(tickers: readonly BinanceTicker[], symbols: readonly BinanceUsdSymbol[]): BinanceAsset[] {
  const bySymbol = new Map(symbols.map((s) => [s.symbol, s]));
  const assets = new Map<string, { asset: BinanceAsset; bestVolume: number; bestQuoteIndex: number }>();
  for (const ticker of tickers) {
    const info = bySymbol.get(ticker.symbol);
    if (!info) continue;
    const volume = ticker.quoteVolume !== null && ticker.quoteVolume > 0 ? ticker.quoteVolume : 0;
    const price = ticker.lastPrice !== null && ticker.lastPrice > 0 ? ticker.lastPrice : null;
    const quoteIndex = (USD_QUOTES as readonly string[]).indexOf(info.quote);
    let entry = assets.get(info.base);
    if (!entry) {
      entry = {
        asset: { base: info.base, priceUsd: null, change24hPct: null, volume24hUsd: 0, pricePair: '' },
        bestVolume: -1,
        bestQuoteIndex: Infinity,
      };
      assets.set(info.base, entry);
    }
    entry.asset.volume24hUsd += volume;
    const better = volume > entry.bestVolume || (volume === entry.bestVolume && quoteIndex < entry.bestQuoteIndex);
    if (price !== null && better) {
      entry.asset.priceUsd = price;
      entry.asset.change24hPct = ticker.priceChangePercent;
      entry.asset.pricePair = ticker.symbol;
      entry.bestVolume = volume;
      entry.bestQuoteIndex = quoteIndex;
    }
  }
  return [...assets.values()].map((e) => e.asset).sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
}

/**
 * Plain-JSON records the crypto adapters return (and the cache stores). Numbers are numbers or
 * null, never strings or NaN; text is raw (the output layer sanitises it).
 */

/** One coin as a market-cap-ranked provider (CoinGecko, CoinCap) describes it. */
export interface CoinMarket {
  /** The provider's id (`bitcoin`); CoinCap ids mostly equal CoinGecko's. */
  id: string;
  /** As the provider spells it (CoinGecko lower-case, CoinCap upper-case). */
  symbol: string;
  name: string;
  /** Market-cap rank, 1 = largest. */
  rank: number | null;
  priceUsd: number | null;
  marketCapUsd: number | null;
  volume24hUsd: number | null;
  change1hPct: number | null;
  change24hPct: number | null;
  change7dPct: number | null;
  /** Hourly prices over 7 days, oldest first (CoinGecko only; null when absent). */
  sparkline7d: number[] | null;
}

/** One base asset as Binance trades it against USD-like quotes, summed over its pairs. */
export interface BinanceAsset {
  /** Base asset as Binance names it (`BTC`, `1000SATS`). */
  base: string;
  /** Last price of the most liquid USD-quoted pair. */
  priceUsd: number | null;
  /** 24 h change of that same pair, percent. */
  change24hPct: number | null;
  /** 24 h quote volume summed over every USD-quoted pair (USDT, USDC, FDUSD, USD). */
  volume24hUsd: number;
  /** The pair the price came from (`BTCUSDT`). */
  pricePair: string;
}

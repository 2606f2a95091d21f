import type { MergedCoin } from '../../../src/screens/crypto/merge.js';
import type { BinanceAsset, CoinMarket } from '../../../src/sources/crypto/records.js';

/** A 168-point hourly series drifting linearly from `start` to `end`, with a ±`wiggle` zigzag. */
export function series(start: number, end: number, wiggle = 0): number[] {
  return Array.from({ length: 168 }, (_, i) => start + ((end - start) * i) / 167 + (i % 2 === 0 ? wiggle : -wiggle));
}

/** A CoinGecko-style market record; 10% weekly range unless overridden. */
export function market(id: string, overrides: Partial<CoinMarket> = {}): CoinMarket {
  const price = overrides.priceUsd ?? 10;
  return {
    id,
    symbol: id.slice(0, 4),
    name: id,
    rank: 1,
    priceUsd: price,
    marketCapUsd: 1e9,
    volume24hUsd: 5e7,
    change1hPct: 0.1,
    change24hPct: 1,
    change7dPct: 2,
    sparkline7d: price === null ? null : series(price * 0.92, price, price * 0.01),
    ...overrides,
  };
}

/** A CoinCap-style record for the same coin (no 1h/7d, no sparkline). */
export function coincapAsset(id: string, overrides: Partial<CoinMarket> = {}): CoinMarket {
  return { ...market(id), change1hPct: null, change7dPct: null, sparkline7d: null, ...overrides };
}

export function binanceAsset(base: string, priceUsd: number | null, overrides: Partial<BinanceAsset> = {}): BinanceAsset {
  return { base, priceUsd, change24hPct: 1, volume24hUsd: 2e7, pricePair: `${base}USDT`, ...overrides };
}

/** A merged coin as the gates see it. */
export function merged(id: string, overrides: Partial<MergedCoin> = {}): MergedCoin {
  const base = market(id);
  return { ...base, symbol: base.symbol.toUpperCase(), sources: ['coingecko'], agreeing: [], mismatched: [], ...overrides };
}

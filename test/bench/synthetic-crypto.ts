/**
 * A deterministic synthetic crypto market: a CoinGecko-like universe ranked by market cap, the
 * CoinCap view of it and Binance's USD-quoted assets, with the awkward cases real data has
 * (stablecoins, wrapped and leveraged tokens, shared tickers, thin volume, missing prices,
 * sources that disagree on a price). As domain records (for the ranking benchmark) and as raw
 * API bodies (for a warm-cache run when no demo recordings exist).
 */
import type { CryptoSourceData } from '../../src/screens/crypto/merge.js';
import type { BinanceAsset, CoinMarket } from '../../src/sources/crypto/records.js';

export interface SyntheticCoin {
  id: string;
  symbol: string;
  name: string;
  rank: number;
  priceUsd: number | null;
  marketCapUsd: number;
  volume24hUsd: number;
  change1hPct: number;
  change24hPct: number;
  change7dPct: number;
  sparkline7d: number[];
}

/** mulberry32: small, fast, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ticker(n: number): string {
  let s = '';
  let x = n + 17_576; // at least three letters
  while (x > 0) {
    s = String.fromCharCode(97 + (x % 26)) + s;
    x = Math.floor(x / 26);
  }
  return s;
}

/** `count` coins, rank 1 first. */
export function syntheticCoins(count: number, seed = 8): SyntheticCoin[] {
  const random = prng(seed);
  const coins: SyntheticCoin[] = [];
  for (let i = 0; i < count; i++) {
    const rank = i + 1;
    const kind = random();
    let symbol = ticker(i);
    let name = `Synth ${symbol.toUpperCase()} ${i}`;
    let id = `synth-${symbol}-${i}`;
    let price = 10 ** (4 - 7 * random());
    let weeklyRange = 0.05 + random() * 0.4;
    if (kind < 0.02) {
      // A stablecoin: pegged, and a flat week.
      symbol = `usd${ticker(i).slice(0, 2)}`;
      name = `${symbol.toUpperCase()} Dollar`;
      id = `${symbol}-dollar-${i}`;
      price = 1 + (random() - 0.5) * 0.002;
      weeklyRange = 0.003;
    } else if (kind < 0.03) {
      name = `Wrapped ${name}`;
      id = `wrapped-${id}`;
    } else if (kind < 0.035 && i > 0) {
      symbol = `${coins[Math.floor(random() * i)]?.symbol ?? 'abc'}up`;
      name = `${symbol.toUpperCase()} 3x Long`;
    } else if (kind < 0.1 && i > 10) {
      // A namesake: shares the ticker of a bigger coin.
      symbol = coins[Math.floor(random() * i)]?.symbol ?? symbol;
    }
    const marketCapUsd = 2e12 / rank;
    const volume24hUsd = marketCapUsd * 10 ** (-3 + 2.5 * random());
    const priceUsd = random() < 0.005 ? null : price;
    const p = priceUsd ?? 1;
    const sparkline7d = Array.from({ length: 168 }, (_, h) => p * (1 - weeklyRange / 2 + weeklyRange * ((h / 167) * 0.7 + random() * 0.3)));
    coins.push({
      id,
      symbol,
      name,
      rank,
      priceUsd,
      marketCapUsd,
      volume24hUsd,
      change1hPct: (random() - 0.5) * 4,
      change24hPct: (random() - 0.5) * 20,
      change7dPct: (random() - 0.5) * 60,
      sparkline7d,
    });
  }
  return coins;
}

/**
 * The three sources as the adapters return them: CoinGecko (all coins), CoinCap (95% of them: most
 * by the same id, some only by symbol + name; ~2% quoting a price 30% off) and Binance (the top
 * quarter, ~1% of them 30% off).
 */
export function syntheticSourceData(coins: readonly SyntheticCoin[], seed = 9): CryptoSourceData {
  const random = prng(seed);
  const coingecko: CoinMarket[] = coins.map((c) => ({ ...c, sparkline7d: [...c.sparkline7d] }));
  const coincap: CoinMarket[] = [];
  for (const c of coins) {
    const r = random();
    if (r < 0.05) continue;
    const off = random() < 0.02 ? 1.3 : 1 + (random() - 0.5) * 0.006;
    coincap.push({
      id: r < 0.1 ? `${c.id}-cc` : c.id,
      symbol: c.symbol.toUpperCase(),
      name: c.name,
      rank: c.rank,
      priceUsd: c.priceUsd === null ? null : c.priceUsd * off,
      marketCapUsd: c.marketCapUsd * 0.99,
      volume24hUsd: c.volume24hUsd * 0.8,
      change1hPct: null,
      change24hPct: c.change24hPct,
      change7dPct: null,
      sparkline7d: null,
    });
  }
  const binance: BinanceAsset[] = [];
  const seen = new Set<string>();
  for (const c of coins.slice(0, Math.ceil(coins.length / 4))) {
    const base = c.symbol.toUpperCase();
    if (seen.has(base) || c.priceUsd === null) continue;
    seen.add(base);
    const off = random() < 0.01 ? 1.3 : 1 + (random() - 0.5) * 0.004;
    binance.push({
      base,
      priceUsd: c.priceUsd * off,
      change24hPct: c.change24hPct,
      volume24hUsd: c.volume24hUsd * 0.4,
      pricePair: `${base}USDT`,
    });
  }
  return { coingecko, coincap, binance };
}

/** `GET /coins/markets` as CoinGecko answers it (sparkline and 1h/24h/7d changes requested). */
export function coingeckoMarketsBody(coins: readonly SyntheticCoin[]): string {
  return JSON.stringify(
    coins.map((c) => ({
      id: c.id,
      symbol: c.symbol,
      name: c.name,
      image: 'https://coin-images.coingecko.com/coins/images/1/large/x.png',
      current_price: c.priceUsd,
      market_cap: c.marketCapUsd,
      market_cap_rank: c.rank,
      total_volume: c.volume24hUsd,
      price_change_percentage_24h: c.change24hPct,
      sparkline_in_7d: { price: c.sparkline7d },
      price_change_percentage_1h_in_currency: c.change1hPct,
      price_change_percentage_24h_in_currency: c.change24hPct,
      price_change_percentage_7d_in_currency: c.change7dPct,
      last_updated: new Date().toISOString(),
    })),
  );
}

/** `GET /api/v3/ticker/24hr`: a USDT pair for every coin with a price and a ticker not seen before. */
export function binanceTickerBody(coins: readonly SyntheticCoin[]): string {
  return JSON.stringify(
    usdtPairs(coins).map((c) => ({
      symbol: `${c.symbol.toUpperCase()}USDT`,
      lastPrice: String(c.priceUsd),
      priceChangePercent: String(c.change24hPct.toFixed(3)),
      quoteVolume: String(c.volume24hUsd / 3),
      count: 1000,
    })),
  );
}

/** `GET /api/v3/exchangeInfo` for the same pairs. */
export function binanceExchangeInfoBody(coins: readonly SyntheticCoin[]): string {
  return JSON.stringify({
    timezone: 'UTC',
    serverTime: Date.now(),
    symbols: usdtPairs(coins).map((c) => ({
      symbol: `${c.symbol.toUpperCase()}USDT`,
      status: 'TRADING',
      baseAsset: c.symbol.toUpperCase(),
      quoteAsset: 'USDT',
    })),
  });
}

/** `GET /v3/assets` as CoinCap v3 answers it (numbers as strings). */
export function coincapAssetsBody(coins: readonly SyntheticCoin[]): string {
  return JSON.stringify({
    data: coins.map((c) => ({
      id: c.id,
      rank: String(c.rank),
      symbol: c.symbol.toUpperCase(),
      name: c.name,
      priceUsd: c.priceUsd === null ? null : String(c.priceUsd * 1.001),
      marketCapUsd: String(c.marketCapUsd),
      volumeUsd24Hr: String(c.volume24hUsd / 2),
      changePercent24Hr: String(c.change24hPct),
      vwap24Hr: null,
    })),
    timestamp: Date.now(),
  });
}

function usdtPairs(coins: readonly SyntheticCoin[]): SyntheticCoin[] {
  const seen = new Set<string>();
  return coins.filter((c) => {
    const key = c.symbol.toUpperCase();
    if (c.priceUsd === null || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

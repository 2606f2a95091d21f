import type { CoinMarket } from '../../sources/crypto/records.js';
import type { CryptoRow } from './crypto-row.js';

/**
 * The currencies `--currency` takes: what CoinGecko quotes natively (`vs_currency`) and its
 * `/exchange_rates` also rates, so the other sources' USD prices convert with the same run's rate.
 */
// biome-ignore format: a table of codes
export const CURRENCIES = [
  'usd', 'eur', 'gbp', 'jpy', 'cad', 'aud', 'chf', 'cny', 'inr', 'krw', 'brl', 'mxn', 'sek', 'nok', 'dkk', 'pln',
  'czk', 'huf', 'try', 'zar', 'hkd', 'sgd', 'nzd', 'twd', 'thb', 'idr', 'myr', 'php', 'vnd', 'ils', 'aed', 'sar',
  'kwd', 'bhd', 'ars', 'clp', 'ngn', 'pkr', 'bdt', 'lkr', 'uah', 'rub', 'gel', 'mmk', 'bmd', 'xdr', 'xag', 'xau',
  'btc', 'eth', 'ltc', 'bch', 'bnb', 'xrp', 'sats',
] as const;

/** The codes shell completion offers (any of `CURRENCIES` is accepted). */
export const COMMON_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy', 'cad', 'aud', 'chf', 'cny', 'inr', 'krw', 'brl', 'btc', 'eth'] as const;

const SYMBOLS: Readonly<Record<string, string>> = {
  usd: '$',
  eur: '€',
  gbp: '£',
  jpy: '¥',
  cny: '¥',
  inr: '₹',
  krw: '₩',
  btc: '₿',
  eth: 'Ξ',
};

/** How a table header names the currency: `$`, `€`, or the code upper-cased (`CHF`). */
export function currencyLabel(code: string): string {
  return SYMBOLS[code] ?? code.toUpperCase();
}

/**
 * A CoinGecko record quoted in another currency, as the pipeline's USD record (÷ `perUsd`). The
 * sparkline too: the stablecoin gate compares its range with the USD price.
 */
export function toUsdMarket(market: CoinMarket, perUsd: number): CoinMarket {
  const usd = (value: number | null): number | null => (value === null ? null : value / perUsd);
  return {
    ...market,
    priceUsd: usd(market.priceUsd),
    marketCapUsd: usd(market.marketCapUsd),
    volume24hUsd: usd(market.volume24hUsd),
    sparkline7d: market.sparkline7d?.map((point) => point / perUsd) ?? null,
  };
}

/** What a row adds under `--currency`: price, volume and cap in the currency. */
export interface CurrencyFields {
  price: number | null;
  volume24h: number | null;
  marketCap: number | null;
}

/**
 * The rows with `price`, `volume24h` and `marketCap` in the currency: CoinGecko's own quote where
 * the row's numbers came from CoinGecko (`native`, by coin id), else the USD value × `perUsd`
 * (Binance, CoinCap: the rate this run got from CoinGecko).
 */
export function inCurrency(
  rows: readonly CryptoRow[],
  native: ReadonlyMap<string, CoinMarket>,
  perUsd: number,
): Array<CryptoRow & CurrencyFields> {
  const convert = (value: number | null): number | null => (value === null ? null : value * perUsd);
  return rows.map((row) => {
    const quote = row.sources[0] === 'coingecko' ? native.get(row.id) : undefined;
    return {
      ...row,
      price: quote?.priceUsd ?? convert(row.priceUsd),
      volume24h: quote?.volume24hUsd ?? convert(row.volume24hUsd),
      marketCap: quote?.marketCapUsd ?? convert(row.marketCapUsd),
    };
  });
}

import type { CandleInterval } from '../../candle.js';

/** Where a candle series comes from: Binance klines, CoinGecko market_chart, Massive grouped daily. */
export const HISTORY_SOURCES = ['binance', 'coingecko', 'massive'] as const;
export type HistorySource = (typeof HISTORY_SOURCES)[number];

/** One stored series: a source, a bar length and an asset (a Binance symbol, a CoinGecko id, a ticker). */
export interface SeriesKey {
  readonly source: HistorySource;
  readonly interval: CandleInterval;
  /** `BTCUSDT`, `bitcoin`, `AAPL`: the asset as its source names it. */
  readonly asset: string;
}

/** An asset as it may appear in a file name or a Redis key: its own spelling when that is plain, else a hex form. */
export function assetSlug(asset: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(asset)) return asset;
  return `x-${Buffer.from(asset, 'utf8').toString('hex').slice(0, 160)}`;
}

/** `binance/1d/BTCUSDT`: a series' name in listings, locks and messages. */
export function seriesName(key: SeriesKey): string {
  return `${key.source}/${key.interval}/${assetSlug(key.asset)}`;
}

export function isHistorySource(value: string): value is HistorySource {
  return (HISTORY_SOURCES as readonly string[]).includes(value);
}

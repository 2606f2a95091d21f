/**
 * Candle vocabulary shared by the history sources (which produce bars), the store (which keeps
 * them) and the signal functions (which read them). It sits on the bottom floor so every layer can
 * name a bar without importing another layer.
 */

/** The two bar lengths qaht keeps. */
export type CandleInterval = '1d' | '1h';

/** Length of one bar, in milliseconds. */
export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = { '1d': 86_400_000, '1h': 3_600_000 };

/**
 * A run of closed bars of one asset, oldest first, held column by column: the signal functions
 * scan 250 × 1,000 bars per run, and plain number arrays keep that scan cheap and the stored
 * form small. Every column has the same length; `openTime` is strictly increasing and each bar
 * starts exactly one interval after the previous one unless the series has a gap.
 */
export interface CandleSeries {
  readonly interval: CandleInterval;
  /** Open time of each bar, epoch ms UTC (the bar's key). */
  readonly openTime: readonly number[];
  readonly open: readonly number[];
  readonly high: readonly number[];
  readonly low: readonly number[];
  readonly close: readonly number[];
  /** Volume in the quote currency (USDT on Binance, USD on CoinGecko and Massive). */
  readonly quoteVolume: readonly number[];
}

/** The last millisecond of the bar that opened at `openTime` (Binance's `closeTime`). */
export function closeTimeOf(openTime: number, interval: CandleInterval): number {
  return openTime + INTERVAL_MS[interval] - 1;
}

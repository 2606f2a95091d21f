import { wilderRsiOf } from './indicators.js';
import { NEEDED_CANDLES, RSI_PERIOD } from './needed-candles.js';

/**
 * Wilder's RSI(14) of the closes (daily for `rsi14`, hourly for `rsi14h`), seeded with the simple
 * mean of the first 14 changes and smoothed over every candle kept. Null with fewer than 100.
 */
export function rsi14(close: readonly number[], end = close.length): number | null {
  return end < NEEDED_CANDLES.rsi ? null : wilderRsiOf(close, end, RSI_PERIOD);
}

import { meanOf } from './indicators.js';
import { NEEDED_CANDLES, TREND_FAST, TREND_SLOW } from './needed-candles.js';
import type { Trend } from './signal-fields.js';

/** `"up"` when close > SMA50 > SMA200, `"down"` when close < SMA50 < SMA200, else `"mixed"`; null with fewer than 200 closes. */
export function trend(close: readonly number[], end = close.length): Trend | null {
  if (end < NEEDED_CANDLES.trend) return null;
  const last = close[end - 1]!;
  const fast = meanOf(close, end, TREND_FAST);
  const slow = meanOf(close, end, TREND_SLOW);
  if (last > fast && fast > slow) return 'up';
  if (last < fast && fast < slow) return 'down';
  return 'mixed';
}

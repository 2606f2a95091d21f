import type { Breakout } from './signal-fields.js';
import { maxOf } from './indicators.js';
import { BREAKOUT_52W_DAYS, BREAKOUT_HIGH_DAYS, NEEDED_CANDLES } from './needed-candles.js';

/**
 * `"52w"` when the last close is above every close of the 364 days before it (365 candles);
 * else `"20d"` when it is above every high of the 20 days before it (21); else null. With fewer
 * than 21 candles it is null as well: `breakoutKnown` tells "none" from "too few candles".
 */
export function breakout(high: readonly number[], close: readonly number[], end = close.length): Breakout | null {
  if (end < NEEDED_CANDLES.breakout20d) return null;
  const last = close[end - 1]!;
  if (end >= NEEDED_CANDLES.breakout52w && last > maxOf(close, end - 1 - BREAKOUT_52W_DAYS, end - 1)) return '52w';
  if (last > maxOf(high, end - 1 - BREAKOUT_HIGH_DAYS, end - 1)) return '20d';
  return null;
}

/** Whether `end` candles are enough to say there is no breakout. */
export function breakoutKnown(end: number): boolean {
  return end >= NEEDED_CANDLES.breakout20d;
}

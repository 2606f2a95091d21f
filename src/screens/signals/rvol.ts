import { medianOf } from './indicators.js';
import { NEEDED_CANDLES, RVOL_BASE_DAYS } from './needed-candles.js';

/**
 * Relative volume: the last closed day's quote volume ÷ the median daily quote volume of the 30
 * closed days before it. Null with fewer than 31 days, or when that median is not positive.
 * `end`: candles used, the first `end` of the column.
 */
export function rvol(quoteVolume: readonly number[], end = quoteVolume.length): number | null {
  if (end < NEEDED_CANDLES.rvol) return null;
  const base = medianOf(quoteVolume, end - 1 - RVOL_BASE_DAYS, end - 1);
  if (base === null || !(base > 0)) return null;
  return quoteVolume[end - 1]! / base;
}

import { meanOf, populationStdOf } from './indicators.js';
import { BOLLINGER_PERIOD, NEEDED_CANDLES, SQUEEZE_WIDTHS } from './needed-candles.js';

/** Bollinger width over the 20 closes ending before `end`: 4σ ÷ SMA20 (population σ); NaN when the SMA is not positive. */
export function bollingerWidth(close: readonly number[], end: number): number {
  const mean = meanOf(close, end, BOLLINGER_PERIOD);
  if (!(mean > 0)) return Number.NaN;
  return (4 * populationStdOf(close, end, BOLLINGER_PERIOD, mean)) / mean;
}

/**
 * Squeeze percentile: 100 × the share of the last 180 daily Bollinger widths (today's included)
 * that are ≤ today's width. Low means the bands are as narrow as they have been in half a year.
 * Null with fewer than 199 closes or a width that cannot be taken.
 */
export function squeezePct(close: readonly number[], end = close.length): number | null {
  if (end < NEEDED_CANDLES.squeeze) return null;
  const widths = new Float64Array(SQUEEZE_WIDTHS);
  const first = end - SQUEEZE_WIDTHS + 1;
  // The window sum slides (one add, one subtract a day); σ is taken around each mean afresh.
  let sum = meanOf(close, first, BOLLINGER_PERIOD) * BOLLINGER_PERIOD;
  for (let i = 0; i < SQUEEZE_WIDTHS; i++) {
    const at = first + i;
    if (i > 0) sum += close[at - 1]! - close[at - 1 - BOLLINGER_PERIOD]!;
    const mean = sum / BOLLINGER_PERIOD;
    if (!(mean > 0)) return null;
    widths[i] = (4 * populationStdOf(close, at, BOLLINGER_PERIOD, mean)) / mean;
  }
  const today = widths[SQUEEZE_WIDTHS - 1]!;
  let atOrBelow = 0;
  for (const width of widths) if (width <= today) atOrBelow++;
  return (100 * atOrBelow) / SQUEEZE_WIDTHS;
}

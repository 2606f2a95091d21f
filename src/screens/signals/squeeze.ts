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
  const today = bollingerWidth(close, end);
  if (Number.isNaN(today)) return null;
  let atOrBelow = 0;
  for (let at = end - SQUEEZE_WIDTHS + 1; at <= end; at++) {
    const width = at === end ? today : bollingerWidth(close, at);
    if (Number.isNaN(width)) return null;
    if (width <= today) atOrBelow++;
  }
  return (100 * atOrBelow) / SQUEEZE_WIDTHS;
}

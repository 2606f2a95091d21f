/**
 * Close-to-close return over `days` bars, in percent: close[last] ÷ close[last − days] − 1.
 * Needs `days + 1` candles; null with fewer or with a non-positive base close.
 */
export function returnPct(close: readonly number[], days: number, end = close.length): number | null {
  if (end < days + 1) return null;
  const base = close[end - 1 - days]!;
  if (!(base > 0)) return null;
  return (close[end - 1]! / base - 1) * 100;
}

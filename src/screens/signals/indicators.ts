/**
 * The few statistics the signals are built from, over a window of a plain number column that ends
 * before index `end` (exclusive). Written here rather than taken from an indicator library: they
 * run over 250 coins × 1,000 bars per run, and a batch loop over the stored columns is many times
 * cheaper than a streaming library's per-bar updates. The tests hold them to `trading-signals`.
 */

/** Mean of `values[end − n .. end − 1]`. The caller guarantees `n <= end`. */
export function meanOf(values: readonly number[], end: number, n: number): number {
  let sum = 0;
  for (let i = end - n; i < end; i++) sum += values[i]!;
  return sum / n;
}

/** Population standard deviation (divided by n, not n − 1) of the same window, around `mean`. */
export function populationStdOf(values: readonly number[], end: number, n: number, mean: number): number {
  let squares = 0;
  for (let i = end - n; i < end; i++) {
    const deviation = values[i]! - mean;
    squares += deviation * deviation;
  }
  return Math.sqrt(squares / n);
}

/** Largest value of `values[from .. to − 1]`; −Infinity for an empty window. */
export function maxOf(values: readonly number[], from: number, to: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/**
 * Median of `values[from .. to − 1]` (the mean of the middle two for an even count); null for an
 * empty window. Does not modify `values`.
 */
export function medianOf(values: ArrayLike<number>, from = 0, to = values.length): number | null {
  const n = to - from;
  if (n <= 0) return null;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = values[from + i]!;
  sorted.sort();
  const middle = n >> 1;
  return n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Wilder's RSI of `closes[0 .. end − 1]`: average gain and loss seeded with the simple mean of the
 * first `period` changes, then smoothed over every later change (avg += (x − avg) × 1/period, the
 * factor `trading-signals` multiplies by). 100 when the average loss is 0, as it has it too. The
 * caller checks the count.
 */
export function wilderRsiOf(closes: readonly number[], end: number, period: number): number {
  return wilderRsiTrack(closes, period, end)[end]!;
}

/**
 * `wilderRsiOf(closes, e, period)` for every `e` up to `end` in one pass (NaN for `e ≤ period`):
 * a backfill reads the RSI as of every day, a run only the last, and both get the same bits.
 */
export function wilderRsiTrack(closes: readonly number[], period: number, end = closes.length): Float64Array {
  const track = new Float64Array(end + 1).fill(Number.NaN);
  if (end <= period) return track;
  const factor = 1 / period;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = closes[i]! - closes[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  track[period + 1] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  for (let i = period + 1; i < end; i++) {
    const change = closes[i]! - closes[i - 1]!;
    gain += (Math.max(change, 0) - gain) * factor;
    loss += (Math.max(-change, 0) - loss) * factor;
    track[i + 1] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return track;
}

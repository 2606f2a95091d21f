/**
 * The 95% interval of a mean excess return, from a bootstrap over dates: rows of one day move
 * together (one market, one news cycle), so the day, not the row, is the unit that is resampled.
 * Each resample draws as many dates as there are, with replacement, and takes the mean over every
 * row of the drawn dates (a date drawn twice counts twice), exactly as the point estimate weighs rows.
 */
import { BOOTSTRAP_SEED, mulberry32 } from './seeded-random.js';

/** Resamples per interval. */
export const BOOTSTRAP_RESAMPLES = 2_000;

/** Per date: the sum of its rows' excess returns and how many rows it has (at least one). */
export interface DateTotals {
  sums: readonly number[];
  counts: readonly number[];
}

/**
 * The 2.5th and 97.5th percentiles of the resampled means (linear interpolation between order
 * statistics, as R's type 7 and NumPy's default). Restarts the generator from `seed` on every
 * call, so one signal's interval never depends on which others were evaluated before it.
 * Undefined without dates.
 */
export function bootstrapInterval(
  totals: DateTotals,
  resamples: number = BOOTSTRAP_RESAMPLES,
  seed: number = BOOTSTRAP_SEED,
): { low: number; high: number } | undefined {
  const { sums, counts } = totals;
  const dates = sums.length;
  if (dates === 0) return undefined;
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < dates; i++) {
      const pick = Math.floor(random() * dates);
      sum += sums[pick]!;
      count += counts[pick]!;
    }
    means[r] = sum / count;
  }
  means.sort();
  return { low: percentile(means, 0.025), high: percentile(means, 0.975) };
}

/** The `p` quantile (0–1) of sorted values, interpolating linearly between neighbours. */
function percentile(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/**
 * The 95% interval of a mean excess return, from a bootstrap over dates: rows of one day move
 * together (one market, one news cycle), so the day, not the row, is the unit that is resampled.
 * Each resample draws as many dates as there are, with replacement, and takes the mean over every
 * row of the drawn dates (a date drawn twice counts twice), exactly as the point estimate weighs rows.
 */
import { BOOTSTRAP_SEED } from './seeded-random.js';

/** Resamples per interval. */
export const BOOTSTRAP_RESAMPLES = 2_000;

/** Per date: the sum of its rows' excess returns and how many rows it has (at least one). */
export interface DateTotals {
  sums: readonly number[];
  counts: readonly number[];
}

/**
 * The 2.5th and 97.5th percentiles of the resampled means (linear interpolation between order
 * statistics, as R's type 7 and NumPy's default). The draws start from the seed for every
 * interval, so one signal's interval never depends on which others were evaluated with it; an
 * evaluation passes one `SeededDraws` for all of them, so they are generated once. Undefined
 * without dates.
 */
export function bootstrapInterval(totals: DateTotals, draws: SeededDraws = new SeededDraws()): { low: number; high: number } | undefined {
  const dates = totals.sums.length;
  if (dates === 0) return undefined;
  const sums = Float64Array.from(totals.sums);
  const counts = Int32Array.from(totals.counts);
  const { resamples } = draws;
  const raw = draws.first(resamples * dates);
  const means = new Float64Array(resamples);
  for (let r = 0, at = 0; r < resamples; r++) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < dates; i++, at++) {
      // mulberry32's float in [0, 1), as `seeded-random.ts` makes it, scaled to a date.
      const pick = Math.floor((raw[at]! / 4_294_967_296) * dates);
      sum += sums[pick]!;
      count += counts[pick]!;
    }
    means[r] = sum / count;
  }
  means.sort();
  return { low: percentile(means, 0.025), high: percentile(means, 0.975) };
}

/**
 * The seeded generator's output, in order, made once for several intervals: resample r over d
 * dates takes draws r·d … r·d + d − 1, so every interval reads a prefix of the longest one's.
 */
export class SeededDraws {
  readonly resamples: number;
  readonly #seed: number;
  #raw = new Uint32Array(0);

  constructor(resamples: number = BOOTSTRAP_RESAMPLES, seed: number = BOOTSTRAP_SEED) {
    this.resamples = resamples;
    this.#seed = seed;
  }

  /**
   * At least the first `count` 32-bit outputs of mulberry32 (seeded-random.ts) from the seed,
   * generated here inline: the resampling takes 2,000 × dates of them per signal and horizon, and
   * a call through a closure per draw was most of `screen eval`'s time. The test of the
   * statistics checks they are exactly what mulberry32 draws.
   */
  first(count: number): Uint32Array {
    if (this.#raw.length >= count) return this.#raw;
    const raw = new Uint32Array(count);
    let state = this.#seed >>> 0;
    for (let at = 0; at < count; at++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      raw[at] = (t ^ (t >>> 14)) >>> 0;
    }
    this.#raw = raw;
    return raw;
  }
}

/** The `p` quantile (0–1) of sorted values, interpolating linearly between neighbours. */
function percentile(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

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
 * statistics, as R's type 7 and NumPy's default). Restarts the generator from `seed` on every
 * call, so one signal's interval never depends on which others were evaluated before it.
 * Undefined without dates. `picks` (from `resamplePicks` with as many dates, the same resamples
 * and seed) are the draws already made: intervals over as many dates draw the same dates.
 */
export function bootstrapInterval(
  totals: DateTotals,
  picks?: ResamplePicks,
  resamples: number = BOOTSTRAP_RESAMPLES,
  seed: number = BOOTSTRAP_SEED,
): { low: number; high: number } | undefined {
  const dates = totals.sums.length;
  if (dates === 0) return undefined;
  const sums = Float64Array.from(totals.sums);
  const counts = Int32Array.from(totals.counts);
  const means = new Float64Array(resamples);
  const drawn = picks?.dates === dates ? picks.picks : undefined;
  if (drawn) {
    for (let r = 0, at = 0; r < resamples; r++) {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < dates; i++, at++) {
        sum += sums[drawn[at]!]!;
        count += counts[drawn[at]!]!;
      }
      means[r] = sum / count;
    }
  } else {
    let state = seed >>> 0;
    for (let r = 0; r < resamples; r++) {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < dates; i++) {
        state = (state + 0x6d2b79f5) >>> 0;
        const pick = pickOf(state, dates);
        sum += sums[pick]!;
        count += counts[pick]!;
      }
      means[r] = sum / count;
    }
  }
  means.sort();
  return { low: percentile(means, 0.025), high: percentile(means, 0.975) };
}

/** Every date index the resamples over `dates` dates draw, in order. */
export interface ResamplePicks {
  dates: number;
  picks: Uint32Array;
}

/** The draws of `bootstrapInterval` over `dates` dates, made once for several intervals. */
export function resamplePicks(dates: number, resamples: number = BOOTSTRAP_RESAMPLES, seed: number = BOOTSTRAP_SEED): ResamplePicks {
  const picks = new Uint32Array(resamples * dates);
  let state = seed >>> 0;
  for (let at = 0; at < picks.length; at++) {
    state = (state + 0x6d2b79f5) >>> 0;
    picks[at] = pickOf(state, dates);
  }
  return { dates, picks };
}

/**
 * mulberry32 (seeded-random.ts) from its advanced state, inlined: the resampling draws 2,000 ×
 * dates numbers per signal and horizon, and a call through a closure per draw was most of
 * `screen eval`'s time. The test of the statistics checks it draws exactly what mulberry32 does.
 */
function pickOf(state: number, dates: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * dates);
}

/** The `p` quantile (0–1) of sorted values, interpolating linearly between neighbours. */
function percentile(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

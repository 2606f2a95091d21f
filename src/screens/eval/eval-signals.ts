/**
 * What `screen eval` scores: each flag of the signal fields, by the same predicate `--signal`
 * filters with (signals/flags.ts: the thresholds are fixed there, not tuned: trying thresholds
 * until one "works" is how chance gets sold as a signal), the score's top decile of the day, and
 * every row as the baseline.
 */
import { SIGNAL_FLAGS } from '../signals/signal-fields.js';
import { selectInPlace } from './order-statistic.js';

/** The name of the score's top decile among the evaluated signals. */
export const TOP_DECILE = 'topDecile';

/**
 * Every row of every day: the baseline. Excess returns are measured against the day's median, and
 * returns are skewed (a coin can gain 300% but lose at most 100%), so an equal-weighted pick of
 * every coin, or a random one, beats the median by about half the variance of returns. A signal's
 * mean excess means something only above this row's.
 */
export const ALL_ROWS = 'all';

/** Every signal `screen eval` reports, in its row order. */
export const EVAL_SIGNALS = [...SIGNAL_FLAGS, TOP_DECILE, ALL_ROWS] as const;
export type EvalSignal = (typeof EVAL_SIGNALS)[number];

/**
 * The lowest score in a day's top decile: the k-th highest of the scored rows, k = ⌈10%⌉ of them.
 * A row is in the decile when its score is at least this, so a row tied with the k-th is in it too
 * (ties are not broken by an arbitrary order). Rows without a score are never in it; without any
 * scored row the cutoff is +Infinity.
 */
export function topDecileCutoff(rows: readonly { score: number | null }[]): number {
  const all = new Float64Array(rows.length);
  let n = 0;
  for (const { score } of rows) if (score !== null && Number.isFinite(score)) all[n++] = score;
  if (n === 0) return Number.POSITIVE_INFINITY;
  return selectInPlace(all.subarray(0, n), n - Math.ceil(n / 10));
}

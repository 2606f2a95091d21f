/**
 * The plain-word verdict on a signal's evidence (README "What a verdict means"). It says whether
 * the past excess return is distinguishable from zero, never that it will repeat.
 */

export const VERDICTS = ['too early', 'helps', 'hurts', 'no evidence'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Fewer rows or dates than these, and the interval is too wide (or too clustered) to mean anything. */
export const MIN_ROWS = 30;
export const MIN_DATES = 10;

/**
 * `too early` below 30 rows or 10 dates; else `helps` when the whole 95% interval is above zero,
 * `hurts` when it is below, `no evidence` when it spans zero.
 */
export function verdictOf(n: number, dates: number, interval: { low: number; high: number } | undefined): Verdict {
  if (n < MIN_ROWS || dates < MIN_DATES || interval === undefined) return 'too early';
  if (interval.low > 0) return 'helps';
  if (interval.high < 0) return 'hurts';
  return 'no evidence';
}

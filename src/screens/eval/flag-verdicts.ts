/**
 * The 7-day verdicts as rows carry them: each flag a row raises, with what `screen eval` says of
 * that flag (`rvol ✓ helps`, `breakout too early`). Computed once per journaled day and kept, so a
 * run shows them without reading the journal.
 */
import { hasSignalFlag } from '../signals/flags.js';
import { SIGNAL_FLAGS, type SignalFields, type SignalFlag } from '../signals/signal-fields.js';
import type { Evaluation } from './evaluate.js';
import { dateOfDay } from './utc-day.js';
import { VERDICTS, type Verdict } from './verdict.js';

/** The horizon rows and the dashboard show verdicts for. */
export const ROW_VERDICT_HORIZON_DAYS = 7;

/** Every flag's verdict at one horizon, as of the last day whose close was used. */
export interface VerdictSummary {
  horizonDays: number;
  /** `YYYY-MM-DD` of the last day whose close was used; null before any day could be scored. */
  asOf: string | null;
  verdicts: Record<SignalFlag, Verdict>;
}

/** The flags' verdicts of an evaluation. */
export function verdictSummary(evaluation: Evaluation): VerdictSummary {
  const verdicts = Object.fromEntries(
    SIGNAL_FLAGS.map((flag) => [flag, evaluation.rows.find((row) => row.signal === flag)?.verdict ?? 'too early']),
  ) as Record<SignalFlag, Verdict>;
  return {
    horizonDays: evaluation.horizonDays,
    asOf: evaluation.toDay === undefined ? null : dateOfDay(evaluation.toDay),
    verdicts,
  };
}

/** A kept summary read back: undefined unless it has the shape `verdictSummary` gives. */
export function parseVerdictSummary(value: unknown): VerdictSummary | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { horizonDays, asOf, verdicts } = value as Record<string, unknown>;
  if (typeof horizonDays !== 'number' || (asOf !== null && typeof asOf !== 'string')) return undefined;
  if (typeof verdicts !== 'object' || verdicts === null) return undefined;
  const known = verdicts as Record<string, unknown>;
  if (!SIGNAL_FLAGS.every((flag) => VERDICTS.includes(known[flag] as Verdict))) return undefined;
  return {
    horizonDays,
    asOf,
    verdicts: Object.fromEntries(SIGNAL_FLAGS.map((flag) => [flag, known[flag]])) as Record<SignalFlag, Verdict>,
  };
}

/** The verdict of each flag `fields` raise (none raised: an empty object). */
export function rowVerdicts(fields: Readonly<SignalFields>, summary: VerdictSummary): Partial<Record<SignalFlag, Verdict>> {
  const out: Partial<Record<SignalFlag, Verdict>> = {};
  for (const flag of SIGNAL_FLAGS) if (hasSignalFlag(fields, flag)) out[flag] = summary.verdicts[flag];
  return out;
}

/** `rvol ✓ helps`, `rvol ✗ hurts`, `rvol no evidence`, `rvol too early`. */
export function verdictLabel(flag: SignalFlag, verdict: Verdict): string {
  const mark = verdict === 'helps' ? '✓ ' : verdict === 'hurts' ? '✗ ' : '';
  return `${flag} ${mark}${verdict}`;
}

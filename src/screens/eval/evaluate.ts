/**
 * `screen eval`'s arithmetic, pure: for every journaled (or backfilled) day D and row, the forward
 * return over the horizon, close(D+h) ÷ close(D) − 1, minus the median forward return of every row
 * of that day's record that has one; then, per signal, the rows it flagged: n, dates, mean excess
 * (every row weighs the same), the bootstrap interval over dates, the hit rate and the verdict.
 *
 * Only what was known at D decides whether a row counts (its flags as journaled at D); the future
 * enters only through the two closes. A flagged row whose forward close is unknown although day
 * D+h has passed (the coin was delisted, or left every later record) is `missing`: reported, never
 * dropped silently and never assumed to be a total loss. A row whose D+h is still ahead is pending
 * and is neither.
 */
import { hasSignalFlag } from '../signals/flags.js';
import { bootstrapInterval } from './bootstrap.js';
import { ALL_ROWS, EVAL_SIGNALS, type EvalSignal, TOP_DECILE, topDecileCutoff } from './eval-signals.js';
import type { JournalRecord, JournalRow } from './journal-record.js';
import { dayNumberOf } from './utc-day.js';
import { type Verdict, verdictOf } from './verdict.js';

export interface EvaluateOptions {
  /** The horizon h, in days. */
  horizonDays: number;
  /**
   * The last closed day whose closes are known (the journal's newest day, or the candles').
   * A row whose horizon ends after it is pending.
   */
  asOfDay: number;
  /** Only records of this day number or later. */
  sinceDay?: number | undefined;
  /** A close from elsewhere (the candle store) when the record of day D+h lacks the row's coin. */
  closeOn?: ((id: string, day: number) => number | undefined) | undefined;
  /**
   * Trading days (sorted day numbers, every record's among them): when given, the horizon counts
   * these instead of calendar days, so D+h is the h-th session after D (stocks). A record whose
   * h-th session is not known yet is pending.
   */
  sessions?: readonly number[] | undefined;
}

/** One signal's evidence. Percentages are points (1.5 = 1.5%); null when nothing was counted. */
export interface SignalEvaluation {
  signal: EvalSignal;
  /** Flagged rows with a known forward return. */
  n: number;
  /** Distinct days among those rows. */
  dates: number;
  /** Flagged rows whose horizon has passed but whose forward return is unknown (delisted, dropped from every later record). */
  missing: number;
  meanExcessPct: number | null;
  ciLowPct: number | null;
  ciHighPct: number | null;
  /** Share (0–1) of counted rows with a positive excess return. */
  hitRate: number | null;
  verdict: Verdict;
}

export interface Evaluation {
  horizonDays: number;
  /** The first signal day evaluated and the last day whose close was used; undefined when no day could be. */
  fromDay: number | undefined;
  toDay: number | undefined;
  /** One per signal, in `EVAL_SIGNALS` order. */
  rows: SignalEvaluation[];
}

interface Tally {
  /** Per date (in first-seen order): the sum of excess returns and the row count. */
  sums: number[];
  counts: number[];
  positives: number;
  missing: number;
}

/** Evaluates every signal over `records` (any order; a record whose date is not a real day is ignored). */
export function evaluateSignals(records: readonly JournalRecord[], options: EvaluateOptions): Evaluation {
  const { horizonDays, asOfDay } = options;
  const byDay = new Map<number, JournalRecord>();
  for (const record of records) {
    const day = dayNumberOf(record.date);
    if (day !== undefined && !byDay.has(day)) byDay.set(day, record);
  }
  const closes = closeIndex(byDay);
  const horizonEnd = horizonEndOf(horizonDays, options.sessions);
  const tallies: Tally[] = EVAL_SIGNALS.map(() => ({ sums: [], counts: [], positives: 0, missing: 0 }));
  const daySums = new Float64Array(EVAL_SIGNALS.length);
  const dayCounts = new Int32Array(EVAL_SIGNALS.length);
  let fromDay: number | undefined;
  let toDay: number | undefined;
  const days = [...byDay.keys()].sort((a, b) => a - b);
  for (const day of days) {
    if (options.sinceDay !== undefined && day < options.sinceDay) continue;
    const end = horizonEnd(day);
    if (end === null) continue;
    if (end === undefined || end > asOfDay) break;
    fromDay ??= day;
    toDay = end;
    const { rows } = byDay.get(day)!;
    const later = closes.get(end);
    const excess = excessReturns(rows, (id) => later?.get(id) ?? options.closeOn?.(id, end));
    const cutoff = topDecileCutoff(rows);
    daySums.fill(0);
    dayCounts.fill(0);
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      const value = excess[index];
      for (let s = 0; s < EVAL_SIGNALS.length; s++) {
        const signal = EVAL_SIGNALS[s]!;
        const flagged =
          signal === ALL_ROWS || (signal === TOP_DECILE ? row.score !== null && row.score >= cutoff : hasSignalFlag(row, signal));
        if (!flagged) continue;
        const tally = tallies[s]!;
        if (value === undefined) {
          tally.missing++;
          continue;
        }
        if (value > 0) tally.positives++;
        daySums[s]! += value;
        dayCounts[s]!++;
      }
    }
    for (let s = 0; s < EVAL_SIGNALS.length; s++) {
      if (dayCounts[s] === 0) continue;
      tallies[s]!.sums.push(daySums[s]!);
      tallies[s]!.counts.push(dayCounts[s]!);
    }
  }
  return { horizonDays, fromDay, toDay, rows: EVAL_SIGNALS.map((signal, s) => summarise(signal, tallies[s]!)) };
}

/**
 * The day D+h of each day D: calendar days, or the h-th of `sessions` after D. Undefined when
 * that session is not known yet (pending, and so are all later days); null for a day that is not
 * a session (never evaluated).
 */
function horizonEndOf(horizonDays: number, sessions: readonly number[] | undefined): (day: number) => number | null | undefined {
  if (sessions === undefined) return (day) => day + horizonDays;
  const index = new Map(sessions.map((day, at) => [day, at]));
  return (day) => {
    const at = index.get(day);
    return at === undefined ? null : sessions[at + horizonDays];
  };
}

/** The excess forward return of each row, by index; undefined where either close is unknown. */
function excessReturns(rows: readonly JournalRow[], laterClose: (id: string) => number | undefined): (number | undefined)[] {
  const returns = new Array<number | undefined>(rows.length);
  const known = new Float64Array(rows.length);
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i]!.close;
    const end = laterClose(rows[i]!.id);
    const value = isPrice(start) && isPrice(end) ? end / start - 1 : undefined;
    returns[i] = value;
    if (value !== undefined) known[count++] = value;
  }
  if (count === 0) return returns;
  const median = medianOf(known.subarray(0, count));
  for (let i = 0; i < returns.length; i++) if (returns[i] !== undefined) returns[i] = returns[i]! - median;
  return returns;
}

function summarise(signal: EvalSignal, tally: Tally): SignalEvaluation {
  const n = tally.counts.reduce((total, count) => total + count, 0);
  const dates = tally.counts.length;
  if (n === 0) {
    return {
      signal,
      n,
      dates,
      missing: tally.missing,
      meanExcessPct: null,
      ciLowPct: null,
      ciHighPct: null,
      hitRate: null,
      verdict: 'too early',
    };
  }
  const mean = tally.sums.reduce((total, sum) => total + sum, 0) / n;
  const interval = bootstrapInterval({ sums: tally.sums, counts: tally.counts });
  return {
    signal,
    n,
    dates,
    missing: tally.missing,
    meanExcessPct: mean * 100,
    ciLowPct: interval ? interval.low * 100 : null,
    ciHighPct: interval ? interval.high * 100 : null,
    hitRate: tally.positives / n,
    verdict: verdictOf(n, dates, interval),
  };
}

/** Per day, each coin's close, from the records themselves (the first row of an id wins). */
function closeIndex(byDay: ReadonlyMap<number, JournalRecord>): Map<number, Map<string, number>> {
  const index = new Map<number, Map<string, number>>();
  for (const [day, record] of byDay) {
    const closes = new Map<string, number>();
    for (const row of record.rows) if (isPrice(row.close) && !closes.has(row.id)) closes.set(row.id, row.close);
    index.set(day, closes);
  }
  return index;
}

function isPrice(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value) && value > 0;
}

function medianOf(values: Float64Array): number {
  const sorted = values.sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

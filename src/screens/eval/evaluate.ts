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
import { bootstrapInterval, SeededDraws } from './bootstrap.js';
import { ALL_ROWS, EVAL_SIGNALS, type EvalSignal, TOP_DECILE, topDecileCutoff } from './eval-signals.js';
import type { JournalRecord, JournalRow } from './journal-record.js';
import { medianInPlace } from './order-statistic.js';
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
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const closes = new CloseIndex(byDay);
  const horizonEnd = horizonEndOf(horizonDays, options.sessions);
  const tallies: Tally[] = EVAL_SIGNALS.map(() => ({ sums: [], counts: [], positives: 0, missing: 0 }));
  const daySums = new Float64Array(EVAL_SIGNALS.length);
  const dayCounts = new Int32Array(EVAL_SIGNALS.length);
  const scratch = new Scratch();
  let fromDay: number | undefined;
  let toDay: number | undefined;
  for (const day of days) {
    if (options.sinceDay !== undefined && day < options.sinceDay) continue;
    const end = horizonEnd(day);
    if (end === null) continue;
    if (end === undefined || end > asOfDay) break;
    fromDay ??= day;
    toDay = end;
    const { rows } = byDay.get(day)!;
    const excess = excessReturns(rows, closes.coinsOf(day), closes.on(end), end, options.closeOn, scratch);
    const cutoff = topDecileCutoff(rows);
    daySums.fill(0);
    dayCounts.fill(0);
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      const value = excess[index]!;
      for (let s = 0; s < EVAL_SIGNALS.length; s++) {
        const signal = EVAL_SIGNALS[s]!;
        const flagged =
          signal === ALL_ROWS || (signal === TOP_DECILE ? row.score !== null && row.score >= cutoff : hasSignalFlag(row, signal));
        if (!flagged) continue;
        const tally = tallies[s]!;
        if (Number.isNaN(value)) {
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
  // One run of the generator for every signal's interval (each reads a prefix of the longest).
  const draws = new SeededDraws();
  draws.first(draws.resamples * Math.max(0, ...tallies.map((tally) => tally.sums.length)));
  return { horizonDays, fromDay, toDay, rows: EVAL_SIGNALS.map((signal, s) => summarise(signal, tallies[s]!, draws)) };
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

/** Buffers a day's excess returns are computed in, reused from day to day (a year is 365 days of 250 rows). */
class Scratch {
  excess = new Float64Array(0);
  known = new Float64Array(0);

  fit(rows: number): void {
    if (this.excess.length >= rows) return;
    this.excess = new Float64Array(rows);
    this.known = new Float64Array(rows);
  }
}

/**
 * The excess forward return of each row, by index; NaN where either close is unknown. `coins`
 * numbers the rows' ids (CloseIndex), `later` holds day `end`'s closes by those numbers.
 */
function excessReturns(
  rows: readonly JournalRow[],
  coins: Int32Array,
  later: Float64Array | undefined,
  end: number,
  closeOn: EvaluateOptions['closeOn'],
  scratch: Scratch,
): Float64Array {
  scratch.fit(rows.length);
  const { excess, known } = scratch;
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i]!.close;
    let close = later === undefined ? Number.NaN : later[coins[i]!]!;
    if (Number.isNaN(close) && closeOn) close = closeOn(rows[i]!.id, end) ?? Number.NaN;
    const value = isPrice(start) && isPrice(close) ? close / start - 1 : Number.NaN;
    excess[i] = value;
    if (!Number.isNaN(value)) known[count++] = value;
  }
  if (count === 0) return excess;
  const median = medianInPlace(known.subarray(0, count));
  for (let i = 0; i < rows.length; i++) excess[i]! -= median;
  return excess;
}

function summarise(signal: EvalSignal, tally: Tally, draws: SeededDraws): SignalEvaluation {
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
  const interval = bootstrapInterval({ sums: tally.sums, counts: tally.counts }, draws);
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

/**
 * Each day's closes from the records themselves (the first row of an id with a price wins), by
 * coin number: every id gets a number once, so a day's closes are an array, not a map of strings.
 */
class CloseIndex {
  readonly #byDay: ReadonlyMap<number, JournalRecord>;
  readonly #coins = new Map<number, Int32Array>();
  readonly #closes = new Map<number, Float64Array>();
  readonly #numbers = new Map<string, number>();

  constructor(byDay: ReadonlyMap<number, JournalRecord>) {
    this.#byDay = byDay;
    for (const [day, record] of byDay) {
      const coins = new Int32Array(record.rows.length);
      for (let i = 0; i < record.rows.length; i++) {
        const id = record.rows[i]!.id;
        let number = this.#numbers.get(id);
        if (number === undefined) {
          number = this.#numbers.size;
          this.#numbers.set(id, number);
        }
        coins[i] = number;
      }
      this.#coins.set(day, coins);
    }
  }

  /** The coin number of each row of `day`'s record. */
  coinsOf(day: number): Int32Array {
    return this.#coins.get(day)!;
  }

  /** `day`'s closes by coin number (NaN: none); undefined without a record of that day. */
  on(day: number): Float64Array | undefined {
    let closes = this.#closes.get(day);
    const record = this.#byDay.get(day);
    if (closes !== undefined || record === undefined) return closes;
    closes = new Float64Array(this.#numbers.size).fill(Number.NaN);
    const coins = this.#coins.get(day)!;
    for (let i = 0; i < record.rows.length; i++) {
      const close = record.rows[i]!.close;
      if (isPrice(close) && Number.isNaN(closes[coins[i]!]!)) closes[coins[i]!] = close;
    }
    this.#closes.set(day, closes);
    return closes;
  }
}

function isPrice(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value) && value > 0;
}

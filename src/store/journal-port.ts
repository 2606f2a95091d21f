/**
 * The signal journal's place in the store: one record per screen and closed UTC day, written once
 * (the first writer of a day wins; later ones change nothing), never rewritten, kept three years.
 * The store keeps each record as opaque JSON text; its shape belongs to `screen eval`.
 */

/** How long a record is kept: three years of days (one leap day included). */
export const JOURNAL_KEEP_DAYS = 3 * 365 + 1;

/** A stored record: its day and its JSON text. */
export interface StoredJournalRecord {
  /** `YYYY-MM-DD`. */
  date: string;
  json: string;
}

export interface JournalPort {
  /**
   * Stores `json` as `screen`'s record of `date` unless the store already has one, atomically (a
   * reader or a killed writer never leaves a partial record) and once for everyone sharing the
   * store; removes records older than `JOURNAL_KEEP_DAYS` before `date`.
   * Resolves true when this call wrote it, false when the day was already recorded.
   */
  appendOnce(screen: string, date: string, json: string): Promise<boolean>;
  /** Whether `screen` has a record of `date`. */
  has(screen: string, date: string): Promise<boolean>;
  /** `screen`'s records from `sinceDate` (inclusive; all when undefined), oldest first. Unreadable records are left out. */
  read(screen: string, sinceDate?: string): Promise<StoredJournalRecord[]>;
  /**
   * A small document drawn from `screen`'s records (the flags' verdicts), kept beside them under
   * `name` and replaced whole (atomically), so a run reads it instead of the whole journal.
   */
  writeSummary(screen: string, name: string, json: string): Promise<void>;
  /** The summary `name` of `screen`, or undefined (never written, or unreadable). */
  readSummary(screen: string, name: string): Promise<string | undefined>;
}

/** Largest summary read back, in bytes (a real one is a few hundred). */
export const SUMMARY_MAX_BYTES = 64 * 1024;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The day number (days since 1970-01-01 UTC) of a `YYYY-MM-DD` date, or NaN for anything else. */
export function journalDayOf(date: string): number {
  return DATE_PATTERN.test(date) ? Date.parse(`${date}T00:00:00.000Z`) / 86_400_000 : Number.NaN;
}

/** The `YYYY-MM-DD` of a day number. */
export function journalDateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Screen names are fixed words; anything else never reaches a path or a key. */
export function checkJournalScreen(screen: string): string {
  if (!/^[a-z]{1,16}$/.test(screen)) throw new TypeError(`bad journal screen name ${JSON.stringify(screen)}`);
  return screen;
}

/** Summary names are fixed words too. */
export function checkSummaryName(name: string): string {
  if (!/^[a-z0-9-]{1,32}$/.test(name)) throw new TypeError(`bad journal summary name ${JSON.stringify(name)}`);
  return name;
}

/** A date as a record's name: `YYYY-MM-DD` of a real day, else a TypeError (a bug in the caller). */
export function checkJournalDate(date: string): string {
  const day = journalDayOf(date);
  if (!Number.isFinite(day) || journalDateOf(day) !== date) throw new TypeError(`bad journal date ${JSON.stringify(date)}`);
  return date;
}

/**
 * The signal journal's record: one per closed UTC day and screen, holding every ranked row of that
 * day (shown or not, gated out or not) with its close, score and signal fields as they were known
 * when the day closed. Rows are never removed later, so a coin that is delisted or drops out of the
 * ranking keeps its past rows: the record is point-in-time and survivorship-free.
 */
import type { SignalFields } from '../signals/signal-fields.js';

/** The screens that keep a journal. */
export const JOURNAL_SCREENS = ['crypto', 'market'] as const;
export type JournalScreen = (typeof JOURNAL_SCREENS)[number];

/** One ranked row as journaled. */
export interface JournalRow extends SignalFields {
  /** The provider id (CoinGecko id for crypto, the ticker for market). */
  id: string;
  symbol: string;
  /** The day's close in USD: the daily candle's close when the series has that day, else the price the run saw; null when unknown. */
  close: number | null;
  /** The row's score (0–100) as ranked that day; null when the row was gated out before scoring. */
  score: number | null;
}

/** One closed day's record. */
export interface JournalRecord {
  /** The closed UTC day, `YYYY-MM-DD`. */
  date: string;
  rows: JournalRow[];
}

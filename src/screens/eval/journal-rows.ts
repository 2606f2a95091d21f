/**
 * A screen's ranked coins as the journal records them: every coin that passed the gates, shown or
 * not, with the day's close and what the run knew of it.
 */
import type { SignalFields } from '../signals/signal-fields.js';
import type { JournalRecord, JournalRow } from './journal-record.js';

/** What the journal needs of one ranked coin. */
export interface RankedCoinForJournal {
  id: string;
  symbol: string;
  score: number | null;
  fields: Readonly<SignalFields>;
  /** The close of the last daily candle the fields were read from (its close time is `fields.historyAsOf`); null without history. */
  candleClose: number | null;
  /** The price the run saw. */
  priceUsd: number | null;
}

/**
 * The record of `date` (the last closed UTC day): each coin's close is its daily candle's when the
 * candles reach that day (`historyAsOf` is the day's close time), else the price the run saw,
 * minutes to hours after the close (a run that waited longer than that is still the first to see
 * the day; README "`screen eval`").
 */
export function journalRecordOf(date: string, coins: readonly RankedCoinForJournal[]): JournalRecord {
  const dayClose = `${date}T23:59:59.999Z`;
  const rows: JournalRow[] = coins.map((coin) => ({
    id: coin.id,
    symbol: coin.symbol,
    close: coin.fields.historyAsOf === dayClose && coin.candleClose !== null ? coin.candleClose : coin.priceUsd,
    score: coin.score,
    ...coin.fields,
  }));
  return { date, rows };
}

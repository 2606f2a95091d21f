/**
 * The market run's side of the signal journal: the first `screen market` run that sees a trading
 * day closed (Massive has answered with that day's bars and they are in the store) records it,
 * with every scanned symbol that traded that day. One record per trading day across every run and
 * every process sharing the store; a later run, whatever its symbols, adds nothing to it: its rows
 * were measured against each other (relative strength, the score's percentiles), so rows ranked
 * against another set of symbols cannot join them, and a record is never rewritten after the day.
 * A journal that cannot be written is a warning, never a failed run.
 */
import type { CandleSeries } from '../../candle.js';
import type { Runtime } from '../../runtime/runtime.js';
import { encodeJournalRecord } from '../../screens/eval/journal-codec.js';
import { marketRecordOf } from '../../screens/eval/market-record.js';
import { lastClosedTradingDay } from '../../screens/eval/trading-days.js';
import { dateOfDay } from '../../screens/eval/utc-day.js';
import { massiveBarsPerDay } from '../history/market-history.js';

/**
 * Records the last closed trading day from `bars` (the scanned symbols' stored daily bars) unless
 * the journal has it. Resolves the day recorded by this run, or undefined.
 */
export async function recordMarketDay(rt: Runtime, bars: ReadonlyMap<string, CandleSeries> | undefined): Promise<string | undefined> {
  const journal = rt.journal;
  const candles = rt.history?.candles;
  if (!journal || !candles || !bars || bars.size === 0) return undefined;
  let date: string | undefined;
  try {
    const day = lastClosedTradingDay(await massiveBarsPerDay(candles), rt.clock.now());
    if (day === undefined) return undefined;
    date = dateOfDay(day);
    if (await journal.has('market', date)) return undefined;
    const record = marketRecordOf(
      day,
      [...bars].map(([symbol, daily]) => ({ symbol, daily })),
    );
    if (record.rows.length === 0) return undefined;
    return (await journal.appendOnce('market', date, encodeJournalRecord(record))) ? date : undefined;
  } catch (error) {
    rt.warn(
      `signal journal: could not record the market's ${date ?? 'last trading day'}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

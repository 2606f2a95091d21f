/**
 * The market journal's record of one trading day, from the stored daily bars of the symbols a
 * `screen market` run scans. It is what `--basis backfill` rebuilds for that day, row for row: the
 * symbols with that day's bar that have 30 days of bars (the listing-age gate), measured against
 * each other as of the day's close. Every value comes from bars closed by then, so the record is
 * the same whenever after the close it is built; the live market score reads the moment's quote
 * (by then the next session's), so the record's `score` is the signals score of the day's bars.
 */
import { INTERVAL_MS, type CandleSeries } from '../../candle.js';
import { endOfDay } from '../signals/as-of.js';
import { coinSignalsAsOf } from '../signals/coin-signals.js';
import { listingAgeExclusion, rankSignals } from '../signals/rank-signals.js';
import type { JournalRecord } from './journal-record.js';
import { dateOfDay, dayCloseIso } from './utc-day.js';

/** One scanned symbol and its stored daily bars (Massive). */
export interface MarketSeries {
  symbol: string;
  daily: CandleSeries;
}

/** The record of trading day `day` (a day number); its rows are empty when no symbol has that day's bar. */
export function marketRecordOf(day: number, series: readonly MarketSeries[]): JournalRecord {
  const asOf = endOfDay(day * INTERVAL_MS['1d']);
  const closeIso = dayCloseIso(day);
  const present = series.flatMap(({ symbol, daily }) => {
    const own = coinSignalsAsOf({ daily, hourly: null }, asOf);
    // Only a symbol that traded that day: a halted or not yet listed one has no close of it.
    return own.fields.historyAsOf === closeIso && listingAgeExclusion(own.fields) === null ? [{ symbol, own }] : [];
  });
  const ranked = rankSignals(present.map((entry) => entry.own));
  return {
    date: dateOfDay(day),
    rows: present.map(({ symbol, own }, i) => ({ id: symbol, symbol, close: own.close, score: ranked[i]!.score, ...ranked[i]!.fields })),
  };
}

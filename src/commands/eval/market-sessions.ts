/**
 * What `screen eval market` needs besides the journal: the trading days (its horizons count
 * sessions, as the stocks' signals count bars) and the closes of days whose record lacks a symbol
 * (no run recorded that day, or the day's run scanned other symbols), both from the stored
 * Massive bars. Forward closes are outcomes, not signals: taking them from the bars is not
 * lookahead, and a symbol without a bar of day D+h (delisted, no longer fetched) stays missing.
 */
import { INTERVAL_MS } from '../../candle.js';
import type { JournalRecord } from '../../screens/eval/journal-record.js';
import { sessionsOf } from '../../screens/eval/trading-days.js';
import { dayNumberOf } from '../../screens/eval/utc-day.js';
import type { CandleStore } from '../../store/history/candle-store.js';
import { massiveBarsPerDay } from '../history/market-history.js';

const DAY_MS = INTERVAL_MS['1d'];

export interface MarketSessions {
  /** Sorted day numbers of every trading day known: the records', the bars', and Massive's answers. */
  sessions: number[];
  closeOn(id: string, day: number): number | undefined;
}

/** The sessions and stored closes around `records` (ids are tickers). */
export async function marketSessions(candles: CandleStore, records: readonly JournalRecord[]): Promise<MarketSessions> {
  const symbols = [...new Set(records.flatMap((record) => record.rows.map((row) => row.id)))];
  const [barsPerDay, stored] = await Promise.all([
    massiveBarsPerDay(candles),
    Promise.all(symbols.map((symbol) => candles.read({ source: 'massive', interval: '1d', asset: symbol }))),
  ]);
  const days: number[] = records.flatMap((record) => dayNumberOf(record.date) ?? []);
  for (const [day, bars] of barsPerDay) if (bars > 0) days.push(day);
  const closes = new Map<string, Map<number, number>>();
  stored.forEach((entry, at) => {
    if (!entry) return;
    const { openTime, close } = entry.series;
    const byDay = new Map<number, number>();
    for (let i = 0; i < openTime.length; i++) {
      const day = Math.floor(openTime[i]! / DAY_MS);
      byDay.set(day, close[i]!);
      days.push(day);
    }
    closes.set(symbols[at]!, byDay);
  });
  return { sessions: sessionsOf(days), closeOn: (id, day) => closes.get(id)?.get(day) };
}

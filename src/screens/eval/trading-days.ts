/**
 * The stock market's days as the market journal and `screen eval market` count them. A trading
 * day is a day Massive's grouped daily has bars for; weekends and exchange holidays have none, so
 * they have no record. A stock's signals count bars (its 7-day return is over 7 sessions), and the
 * evaluation's horizons count sessions the same way: "1d" after a Friday is the Monday.
 */
import { lastClosedDay } from './utc-day.js';

/**
 * The last closed trading day at `nowMs`, from what Massive answered per day (`barsPerDay`: day
 * number → bars in its grouped daily; 0 for a holiday): walking back from the last closed UTC day
 * over weekdays, past holidays, the first day with bars. Undefined when a weekday on the way has
 * not been asked yet: whether it traded is not known, and an older day is no longer the last
 * closed one (past days are never journaled after the fact).
 */
export function lastClosedTradingDay(barsPerDay: ReadonlyMap<number, number>, nowMs: number): number | undefined {
  const newest = lastClosedDay(nowMs);
  // Two weeks back at most: no exchange closes that long, and the ledger of a fresh store is short.
  for (let day = newest; day > newest - 14; day--) {
    if (isWeekend(day)) continue;
    const bars = barsPerDay.get(day);
    if (bars === undefined) return undefined;
    if (bars > 0) return day;
  }
  return undefined;
}

/** Whether `day` (a day number) is a Saturday or a Sunday, UTC. */
export function isWeekend(day: number): boolean {
  const weekday = new Date(day * 86_400_000).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The sorted, distinct trading days of several lists of bar open times (ms) or day numbers. */
export function sessionsOf(days: Iterable<number>): number[] {
  return [...new Set(days)].sort((a, b) => a - b);
}

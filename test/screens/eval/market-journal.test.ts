import { describe, expect, it } from 'vitest';
import { type CandleSeries, INTERVAL_MS } from '../../../src/candle.js';
import { backfillRecords } from '../../../src/screens/eval/backfill.js';
import { evaluateSignals } from '../../../src/screens/eval/evaluate.js';
import { marketRecordOf } from '../../../src/screens/eval/market-record.js';
import { isWeekend, lastClosedTradingDay } from '../../../src/screens/eval/trading-days.js';
import { dateOfDay, dayNumberOf } from '../../../src/screens/eval/utc-day.js';
import { randomWalk } from '../signals/series.js';
import { syntheticWorld } from './synthetic-world.js';

/**
 * The market journal's pure parts: which day is the last closed trading day, the record of a
 * trading day (what backfill rebuilds for it, row for row), and horizons that count sessions.
 */

const DAY_MS = INTERVAL_MS['1d'];
const day = (date: string): number => dayNumberOf(date)!;
/** Monday 7 Dec 2026, 10:00 UTC. */
const MONDAY = Date.UTC(2026, 11, 7, 10);

/** Trading days from `first` on: weekdays except `holidays`. */
function tradingDays(first: string, count: number, holidays: readonly string[] = []): number[] {
  const days: number[] = [];
  for (let d = day(first); days.length < count; d++) if (!isWeekend(d) && !holidays.includes(dateOfDay(d))) days.push(d);
  return days;
}

/** A stock's bars on `days` (a random walk). */
function stockSeries(days: readonly number[], seed: number): CandleSeries {
  const walk = randomWalk(days.length, seed);
  return {
    interval: '1d',
    openTime: days.map((d) => d * DAY_MS),
    open: walk.close,
    high: walk.high,
    low: walk.close,
    close: walk.close,
    quoteVolume: walk.quoteVolume,
  };
}

describe('the last closed trading day', () => {
  const answered = (entries: Record<string, number>): Map<number, number> =>
    new Map(Object.entries(entries).map(([date, bars]) => [day(date), bars]));

  it('is the newest weekday Massive has bars for, past the weekend', () => {
    expect(lastClosedTradingDay(answered({ '2026-12-04': 9000, '2026-12-03': 9000 }), MONDAY)).toBe(day('2026-12-04'));
    // Tuesday: Monday has closed and has bars.
    expect(lastClosedTradingDay(answered({ '2026-12-07': 9000, '2026-12-04': 9000 }), MONDAY + DAY_MS)).toBe(day('2026-12-07'));
  });

  it('walks past a holiday (Massive answered with no bars) to the session before it', () => {
    // Friday 27 Nov 2026 traded; Thursday 26 Nov (Thanksgiving) did not. On Friday morning the last session is Wednesday.
    expect(lastClosedTradingDay(answered({ '2026-11-26': 0, '2026-11-25': 9000 }), Date.UTC(2026, 10, 27, 9))).toBe(day('2026-11-25'));
  });

  it('is unknown while the newest weekday has not been asked: an older day is no longer the last closed one', () => {
    expect(lastClosedTradingDay(answered({ '2026-12-03': 9000 }), MONDAY)).toBeUndefined();
    expect(lastClosedTradingDay(new Map(), MONDAY)).toBeUndefined();
  });
});

describe('the market record of a trading day', () => {
  const days = tradingDays('2026-01-02', 240, ['2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25']);
  const series = Array.from({ length: 12 }, (_, i) => {
    // One listed late (under 30 bars for a while), one delisted early, one halted for a week.
    const own = i === 1 ? days.slice(200) : i === 2 ? days.slice(0, 150) : i === 3 ? days.filter((_, at) => at < 180 || at > 185) : days;
    return { symbol: `S${i}`, daily: stockSeries(own, 40 + i) };
  });

  it('is what backfill rebuilds for that day, row for row, over the symbols that traded it', () => {
    const coins = series.map(({ symbol, daily }) => ({ id: symbol, symbol, history: { daily, hourly: null } }));
    const rebuilt = backfillRecords(coins, { fromDay: days[0]!, toDay: days.at(-1)!, minVolumeUsd: 0 });
    let compared = 0;
    for (const rebuiltDay of rebuilt) {
      const record = marketRecordOf(day(rebuiltDay.date), series);
      // Backfill leaves `why` empty (no one reads a backfilled row); the journal keeps the words.
      expect({ ...record, rows: record.rows.map((row) => ({ ...row, why: '' })) }).toEqual(rebuiltDay);
      compared++;
    }
    // Every session from 30 calendar days after the first bar on (the listing-age gate) has a record; no weekend or holiday has one.
    expect(compared).toBe(days.filter((d) => d + 1 - days[0]! >= 30).length);
    expect(rebuilt.every((record) => days.includes(day(record.date)))).toBe(true);
    const halted = marketRecordOf(days[183]!, series);
    expect(halted.rows.map((row) => row.symbol)).not.toContain('S3');
    expect(marketRecordOf(days[210]!, series).rows.map((row) => row.symbol)).not.toContain('S1');
    expect(marketRecordOf(days[230]!, series).rows.map((row) => row.symbol)).toContain('S1');
    expect(marketRecordOf(day('2026-01-19'), series).rows).toEqual([]);
  });

  it('holds each row’s close of the day and the signals score', () => {
    const at = 220;
    const record = marketRecordOf(days[at]!, series);
    const s0 = record.rows.find((row) => row.symbol === 'S0')!;
    expect(s0.close).toBe(series[0]!.daily.close[at]);
    expect(s0.historyAsOf).toBe(`${dateOfDay(days[at]!)}T23:59:59.999Z`);
    expect(record.rows.every((row) => row.score !== null)).toBe(true);
  });
});

describe('horizons that count sessions', () => {
  it('score a world laid on trading days exactly as the same world on consecutive days', () => {
    const world = syntheticWorld({ seed: 11, rvolEdge: 0.04, days: 90 });
    const sessions = tradingDays('2026-01-01', 90, ['2026-01-19', '2026-02-16']);
    const onSessions = world.map((record, at) => ({ ...record, date: dateOfDay(sessions[at]!) }));
    for (const horizonDays of [1, 3, 7, 30]) {
      const calendar = evaluateSignals(world, { horizonDays, asOfDay: day(world.at(-1)!.date) });
      const traded = evaluateSignals(onSessions, { horizonDays, asOfDay: sessions.at(-1)!, sessions });
      expect(traded.rows).toEqual(calendar.rows);
      expect(traded.fromDay).toBe(sessions[0]);
      expect(traded.toDay).toBe(sessions[world.indexOf(world.find((r) => r.date === dateOfDay(calendar.toDay!))!)]);
    }
  });

  it('leave a row pending while its h-th session is not known, and take a missing close from elsewhere', () => {
    const world = syntheticWorld({ seed: 12, days: 20 }).map((record) => ({
      ...record,
      rows: record.rows.map((row) => ({ ...row, rvol: 3 })),
    }));
    const sessions = tradingDays('2026-03-02', 20);
    const onSessions = world.map((record, at) => ({ ...record, date: dateOfDay(sessions[at]!) }));
    const rvol = (evaluation: ReturnType<typeof evaluateSignals>) => evaluation.rows.find((row) => row.signal === 'rvol')!;
    // 20 sessions, h = 7: the first 13 days are scored, the last 7 are pending (not missing).
    const all = rvol(evaluateSignals(onSessions, { horizonDays: 7, asOfDay: sessions.at(-1)!, sessions }));
    expect(all.dates).toBe(13);
    expect(all.missing).toBe(0);
    // Without the record of session 10, its closes come from the bars.
    const gap = onSessions.filter((_, at) => at !== 10);
    const without = rvol(evaluateSignals(gap, { horizonDays: 7, asOfDay: sessions.at(-1)!, sessions }));
    // Session 10 is neither scored itself nor a known close for session 3.
    expect(without.dates).toBe(11);
    expect(without.missing).toBe(40);
    const closeOn = (id: string, d: number): number | undefined =>
      onSessions[10]!.rows.find((row) => row.id === id && d === sessions[10])?.close ?? undefined;
    const filled = rvol(evaluateSignals(gap, { horizonDays: 7, asOfDay: sessions.at(-1)!, sessions, closeOn }));
    expect(filled.dates).toBe(12);
    expect(filled.missing).toBe(0);
  });
});

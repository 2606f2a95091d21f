import { describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../../src/candle.js';
import { type BackfillCoin, backfillRecords } from '../../../src/screens/eval/backfill.js';
import { endOfDay } from '../../../src/screens/signals/as-of.js';
import { universeSignalsAsOf } from '../../../src/screens/signals/rank-signals.js';
import { makeSeries, randomWalk, START } from '../signals/series.js';

const DAY_MS = INTERVAL_MS['1d'];
const FIRST_DAY = START / DAY_MS;

/**
 * 14 coins over 420 days: some listed late (under 30 days for a while), some delisted early, some
 * with hourly candles, volumes around the 1M gate so coins drop in and out of the universe.
 */
function universe(): BackfillCoin[] {
  return Array.from({ length: 14 }, (_, i) => {
    const startDay = i % 4 === 1 ? 150 + i * 7 : 0;
    const length = i % 5 === 2 ? 260 + i : 420 - startDay;
    const walk = randomWalk(length, 100 + i);
    const daily = makeSeries({ ...walk, start: START + startDay * DAY_MS });
    const hourly =
      i % 3 === 0 ? makeSeries({ ...randomWalk(24 * 60, 500 + i, 100, 0.5), interval: '1h', start: START + 360 * DAY_MS }) : null;
    return { id: `coin-${i}`, symbol: `C${i}`, history: { daily, hourly } };
  });
}

describe('backfill', () => {
  const coins = universe();
  const records = backfillRecords(coins, { fromDay: FIRST_DAY + 200, toDay: FIRST_DAY + 419, minVolumeUsd: 0.7e6 });

  it('gives each day the fields (but the words of `why`) and score the live run would have computed as of that day', () => {
    expect(records).toHaveLength(220);
    let compared = 0;
    for (const record of records) {
      const day = Date.parse(`${record.date}T00:00:00Z`) / DAY_MS;
      const present = coins.filter((coin) => {
        const at = coin.history.daily!.openTime.indexOf(day * DAY_MS);
        return at >= 0 && coin.history.daily!.quoteVolume[at]! >= 0.7e6;
      });
      const reference = universeSignalsAsOf(
        present.map((coin) => coin.history),
        endOfDay(day * DAY_MS),
      );
      const expected = present.flatMap((coin, i) =>
        reference[i]!.excluded === null
          ? // `why` (words for a reader) is left empty in backfilled rows, which no one reads.
            [{ id: coin.id, symbol: coin.symbol, close: reference[i]!.close, score: reference[i]!.score, ...reference[i]!.fields, why: '' }]
          : [],
      );
      expect(record.rows, record.date).toEqual(expected);
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(1600);
  });

  it('reads nothing after the day: a later candle never changes an earlier record', () => {
    const truncated = coins.map((coin) => {
      const daily = coin.history.daily!;
      const keep = daily.openTime.filter((open) => open <= (FIRST_DAY + 300) * DAY_MS).length;
      const cut = (column: readonly number[]) => column.slice(0, keep);
      return {
        ...coin,
        history: {
          daily: {
            ...daily,
            openTime: cut(daily.openTime),
            open: cut(daily.open),
            high: cut(daily.high),
            low: cut(daily.low),
            close: cut(daily.close),
            quoteVolume: cut(daily.quoteVolume),
          },
          hourly: coin.history.hourly,
        },
      };
    });
    const early = backfillRecords(truncated, { fromDay: FIRST_DAY + 200, toDay: FIRST_DAY + 300, minVolumeUsd: 0.7e6 });
    // The hourly series runs past day 300 in both; only the daily candles were cut.
    expect(early).toEqual(records.slice(0, 101));
  });

  it('fills the signals a year of history allows, squeeze and both RSIs included', () => {
    const rows = records.flatMap((record) => record.rows);
    for (const field of ['squeezePct', 'rsi14', 'rsi14h', 'rvol', 'trend', 'rs7dPct', 'score'] as const) {
      expect(
        rows.some((row) => row[field] !== null),
        field,
      ).toBe(true);
    }
    expect(rows.some((row) => row.breakout !== null)).toBe(true);
  });
});

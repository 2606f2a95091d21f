import type { JournalRecord, JournalRow } from '../../../src/screens/eval/journal-record.js';
import { dateOfDay } from '../../../src/screens/eval/utc-day.js';
import { mulberry32 } from '../../../src/screens/eval/seeded-random.js';

/** 2026-01-01 as a day number: every synthetic world starts there. */
export const WORLD_START_DAY = 20_454;

export interface WorldOptions {
  seed: number;
  coins?: number;
  days?: number;
  /** Chance that any one flag is raised on a row. @default 0.05 */
  flagRate?: number;
  /** Daily log-return standard deviation. @default 0.03 */
  dailySd?: number;
  /** Extra return planted over the `horizonDays` days after every `rvol` flag (0.05 = +5%). @default 0 */
  rvolEdge?: number;
  horizonDays?: number;
  /**
   * `geometric` (the default): closes multiply by e^r each day, so h-day returns are right-skewed
   * and the mean of a day's returns sits above their median. `arithmetic`: closes move by
   * 100·r each day, so each coin's return, given its close, is symmetric, and so is the day's cross-section.
   */
  walk?: 'geometric' | 'arithmetic';
}

/**
 * A universe of coins that random-walk (log-normal daily returns, no drift) with signal fields
 * drawn at random each day, independently of the future: no signal has an edge unless one is
 * planted. `rvolEdge` plants one: after each day a coin's `rvol` flag is up, its next
 * `horizonDays` daily returns are raised so that its close h days later is (1 + edge) times what
 * the walk alone would give.
 */
export function syntheticWorld(options: WorldOptions): JournalRecord[] {
  const coins = options.coins ?? 40;
  const days = options.days ?? 120;
  const rate = options.flagRate ?? 0.05;
  const sd = options.dailySd ?? 0.03;
  const horizon = options.horizonDays ?? 7;
  const random = mulberry32(options.seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const fields: Omit<JournalRow, 'close'>[][] = [];
  const logReturns: number[][] = Array.from({ length: coins }, () => Array.from({ length: days }, () => sd * normal()));
  for (let day = 0; day < days; day++) {
    const rows: Omit<JournalRow, 'close'>[] = [];
    for (let coin = 0; coin < coins; coin++) {
      const rvolFlag = random() < rate;
      const rsiDraw = random();
      rows.push({
        id: `coin-${coin}`,
        symbol: `C${coin}`,
        score: Math.round(random() * 1000) / 10,
        rvol: rvolFlag ? 3 : 1,
        breakout: random() < rate ? '20d' : null,
        rs7dPct: random() < rate ? 15 : 0,
        rs30dPct: 0,
        squeezePct: random() < rate ? 5 : 50,
        rsi14: rsiDraw < rate ? 25 : rsiDraw < 2 * rate ? 75 : 50,
        rsi14h: null,
        trend: 'mixed',
        listedDays: 400 + day,
        historyAsOf: `${dateOfDay(WORLD_START_DAY + day)}T23:59:59.999Z`,
        why: '',
      });
      if (rvolFlag && options.rvolEdge) {
        for (let k = 1; k <= horizon && day + k < days; k++) logReturns[coin]![day + k]! += Math.log(1 + options.rvolEdge) / horizon;
      }
    }
    fields.push(rows);
  }
  const arithmetic = options.walk === 'arithmetic';
  const closes = logReturns.map((returns) => {
    let level = 100;
    return returns.map((r, day) => {
      if (day > 0) level = arithmetic ? level + 100 * r : level * Math.exp(r);
      return level;
    });
  });
  return fields.map((rows, day) => ({
    date: dateOfDay(WORLD_START_DAY + day),
    rows: rows.map((row, coin) => ({ ...row, close: closes[coin]![day]! })),
  }));
}

/** The last day number of a world of `days` days. */
export function worldLastDay(days = 120): number {
  return WORLD_START_DAY + days - 1;
}

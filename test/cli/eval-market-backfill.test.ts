import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CandleSeries, INTERVAL_MS } from '../../src/candle.js';
import { mulberry32 } from '../../src/screens/eval/seeded-random.js';
import { FileCandleStore } from '../../src/store/file/file-candle-store.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { cleanEnv, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

const DAY_MS = INTERVAL_MS['1d'];
/** Monday 5 Jan 2026. */
const FIRST_DAY = Date.UTC(2026, 0, 5) / DAY_MS;
const SESSIONS = 220;
const HOLIDAYS = new Set([Date.UTC(2026, 0, 19) / DAY_MS, Date.UTC(2026, 1, 16) / DAY_MS, Date.UTC(2026, 3, 3) / DAY_MS]);

/** The trading days: weekdays from FIRST_DAY on, without the holidays. */
function sessions(): number[] {
  const days: number[] = [];
  for (let day = FIRST_DAY; days.length < SESSIONS; day++) {
    const weekday = new Date(day * DAY_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !HOLIDAYS.has(day)) days.push(day);
  }
  return days;
}

/**
 * Stored Massive bars of `stocks` stocks on trading days only: random walks whose volume jumps 4×
 * on 3% of sessions (so `rvol` ≥ 2.5 that day), each jump followed by `edge` extra return spread
 * over the next 7 sessions.
 */
function stockWorld(stocks: number, edge: number): CandleSeries[] {
  const days = sessions();
  const random = mulberry32(78);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: stocks }, () => {
    const drift = new Array<number>(SESSIONS).fill(0);
    const volume = Array.from({ length: SESSIONS }, () => 5e8 * (0.8 + 0.4 * random()));
    for (let at = 40; at < SESSIONS; at++) {
      if (random() < 0.03) {
        volume[at] = volume[at]! * 4;
        for (let k = 1; k <= 7 && at + k < SESSIONS; k++) drift[at + k]! += Math.log(1 + edge) / 7;
      }
    }
    let price = 80;
    const close = drift.map((extra) => (price *= Math.exp(0.015 * normal() + extra)));
    return { interval: '1d', openTime: days.map((day) => day * DAY_MS), open: close, high: close, low: close, close, quoteVolume: volume };
  });
}

describe('screen eval market --basis backfill', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempCacheDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('rebuilds every trading day from the stored Massive bars, counts horizons in sessions, and says it is survivorship-biased', async () => {
    const candles = new FileCandleStore(dir);
    for (const [i, series] of stockWorld(30, 0.05).entries()) {
      await candles.write({ source: 'massive', interval: '1d', asset: `S${i}` }, { series, fetchedAt: 0 });
    }
    // Crypto's candles are not the market's.
    await candles.write({ source: 'binance', interval: '1d', asset: 'BTCUSDT' }, { series: stockWorld(1, 0)[0]!, fetchedAt: 0 });
    const days = sessions();
    const clock = new ManualClock((days.at(-1)! + 3) * DAY_MS);
    const env = cleanEnv({ SCREEN_CACHE_DIR: dir });

    const run = await runMain(['eval', 'market', '--basis', 'backfill', '--json'], env, { clock });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({
      command: 'eval',
      screen: 'market',
      basis: 'backfill',
      survivorshipBiased: true,
      assets: 30,
      horizonDays: 7,
      horizonUnit: 'tradingDays',
      // The sessions from 30 calendar days after the first bar (the listing-age gate) on.
      days: days.filter((day) => day + 1 - FIRST_DAY >= 30).length,
      to: new Date((days.at(-1)! + 1) * DAY_MS - 1).toISOString(),
    });
    const rvol = doc.rows.find((row: { signal: string }) => row.signal === 'rvol');
    expect(rvol.verdict).toBe('helps');
    expect(rvol.meanExcessPct).toBeGreaterThan(3);
    // The 7th session after each day is its close: no weekend or holiday leaves a row without one.
    for (const row of doc.rows) expect(row.missing, row.signal).toBe(0);

    // One session ahead: a Friday's next close is the Monday's, never a missing weekend close.
    const next = JSON.parse((await runMain(['eval', 'market', '--basis', 'backfill', '--horizon', '1d', '--json'], env, { clock })).stdout);
    const every = next.rows.find((row: { signal: string }) => row.signal === 'all');
    expect(every.missing).toBe(0);
    expect(every.dates).toBe(doc.days - 1);
    expect(every.n).toBe(30 * (doc.days - 1));

    const table = await runMain(['eval', 'market', '--basis', 'backfill'], env, { clock });
    expect(table.stdout).toMatch(/every stock/);
    expect(table.stderr).toContain('30 assets with stored candles');
    expect(table.stderr).toContain('a horizon counts trading days (7d = 7 sessions)');
    expect(table.stderr).toContain('backfill sees only stocks whose candles are stored today: survivorship-biased');
  });

  it('says how to get bars when none are stored', async () => {
    const run = await runMain(['eval', 'market', '--basis', 'backfill'], cleanEnv({ SCREEN_CACHE_DIR: dir }), { clock: new ManualClock() });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('no stored candles for market; `screen history fill` fetches them');
  });
});

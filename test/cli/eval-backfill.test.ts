import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CandleSeries, INTERVAL_MS } from '../../src/candle.js';
import { mulberry32 } from '../../src/screens/eval/seeded-random.js';
import { FileCandleStore } from '../../src/store/file/file-candle-store.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { cleanEnv, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

const DAY_MS = INTERVAL_MS['1d'];
const FIRST_DAY = Date.UTC(2026, 0, 1) / DAY_MS;
const DAYS = 300;

/**
 * Stored daily candles of `coins` coins: random walks whose volume jumps 4× on 3% of days (so
 * `rvol` ≥ 2.5 that day), each jump followed by `edge` extra return spread over the next 7 days.
 */
function candleWorld(coins: number, edge: number): CandleSeries[] {
  const random = mulberry32(77);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: coins }, () => {
    const drift = new Array<number>(DAYS).fill(0);
    const volume = Array.from({ length: DAYS }, () => 2e6 * (0.8 + 0.4 * random()));
    for (let day = 40; day < DAYS; day++) {
      if (random() < 0.03) {
        volume[day] = volume[day]! * 4;
        for (let k = 1; k <= 7 && day + k < DAYS; k++) drift[day + k]! += Math.log(1 + edge) / 7;
      }
    }
    let price = 50;
    const close = drift.map((extra) => (price *= Math.exp(0.03 * normal() + extra)));
    return {
      interval: '1d',
      openTime: close.map((_, i) => (FIRST_DAY + i) * DAY_MS),
      open: close,
      high: close,
      low: close,
      close,
      quoteVolume: volume,
    };
  });
}

describe('screen eval --basis backfill', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempCacheDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  async function store(series: CandleSeries[]): Promise<void> {
    const candles = new FileCandleStore(dir);
    for (const [i, s] of series.entries())
      await candles.write({ source: 'binance', interval: '1d', asset: `C${i}USDT` }, { series: s, fetchedAt: 0 });
  }

  it('rebuilds every past day from stored candles, finds the planted edge, and says it is survivorship-biased', async () => {
    await store(candleWorld(40, 0.06));
    const clock = new ManualClock((FIRST_DAY + DAYS) * DAY_MS + 3_600_000);
    const run = await runMain(['eval', '--basis', 'backfill', '--json'], cleanEnv({ SCREEN_CACHE_DIR: dir }), { clock });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ command: 'eval', basis: 'backfill', survivorshipBiased: true, assets: 40, horizonDays: 7 });
    // Listed under 30 days for the first 29 (the listing gate), then every day to the last.
    expect(doc.days).toBe(DAYS - 29);
    const rvol = doc.rows.find((row: { signal: string }) => row.signal === 'rvol');
    expect(rvol.verdict).toBe('helps');
    expect(rvol.meanExcessPct).toBeGreaterThan(3);

    const table = await runMain(['eval', '--basis', 'backfill'], cleanEnv({ SCREEN_CACHE_DIR: dir }), { clock });
    expect(table.stderr).toContain('40 assets with stored candles');
    expect(table.stderr).toContain('survivorship-biased');
  });

  it('says how to get candles when none are stored', async () => {
    const run = await runMain(['eval', '--basis', 'backfill'], cleanEnv({ SCREEN_CACHE_DIR: dir }), { clock: new ManualClock() });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('no stored candles for crypto; `screen history fill` fetches them');
  });
});

import { describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../src/candle.js';
import { fileCandles } from '../helpers/file-candles.js';
import { emptySeries } from '../../src/store/history/series-merge.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { type HistoryRoutes, installHistoryRoutes } from '../helpers/fake-api/history-routes.js';
import { driveClock } from '../helpers/drive-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { type CliRun, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { BODIES, cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * Candle history in a normal `screen crypto` run (README "History"), in-process against the fake
 * Binance klines and CoinGecko market_chart, on a manual clock: what is due is fetched within
 * `--history-budget`, only closed candles are kept, a gap is repaired with one request, and a run
 * with nothing due sends no klines request.
 */

const DAY = INTERVAL_MS['1d'];
/** 10:00 UTC on a day: the day's candle is open, yesterday's closed. */
const START = Date.UTC(2026, 11, 7, 10, 0, 0);
const KLINES = '/bn/api/v3/klines';

let api: FakeApi;
let cacheDir: string;
let clock: ManualClock;
let routes: HistoryRoutes;
const usdtPairs = BODIES.binanceExchangeInfo.symbols
  .filter((s) => (s as { quoteAsset?: string }).quoteAsset === 'USDT')
  .map((s) => s.symbol);

useCliSandbox(async (sandbox) => {
  ({ api, cacheDir } = sandbox);
  clock = new ManualClock(START);
  routeCrypto(api);
  routes = installHistoryRoutes(api, { now: () => clock.now(), symbols: usdtPairs, prefixes: { binance: '/bn', coingecko: '/cg/api/v3' } });
});

async function crypto(budget: number, extra: string[] = []): Promise<CliRun> {
  const env = cryptoEnv(api, cacheDir, { SCREEN_HISTORY_BUDGET: String(budget) });
  return driveClock(clock, runMain(['crypto', '--json', ...extra], env, { clock }));
}

function klinesCalls(interval?: string): Array<{ symbol: string; startTime: string | null; interval: string }> {
  return api.requests
    .filter((r) => r.path === KLINES && (interval === undefined || r.query.get('interval') === interval))
    .map((r) => ({ symbol: r.query.get('symbol') ?? '', startTime: r.query.get('startTime'), interval: r.query.get('interval') ?? '' }));
}

function historyCalls(): number {
  return api.requests.filter((r) => r.path === KLINES || r.path.endsWith('/market_chart')).length;
}

describe('screen crypto: candle history', () => {
  it('sends at most --history-budget history requests, oldest first, and says how much is pending', async () => {
    const run = await crypto(7);
    expect(run.code, run.stderr).toBe(0);
    expect(historyCalls()).toBeLessThanOrEqual(7);
    expect(historyCalls()).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/history: \d+ series pending \(at most 7 requests a run\)/);
    // Never-fetched series first, in rank order: the first requests are for the best-ranked coins.
    const first = klinesCalls()[0];
    expect(first?.startTime).toBeNull();
  });

  it('keeps only closed candles: the open one is never stored, and its changing values change nothing', async () => {
    const store = fileCandles(cacheDir);
    expect((await crypto(500)).code).toBe(0);
    const key = { source: 'binance', interval: '1d', asset: 'BTCUSDT' } as const;
    const before = await store.read(key);
    expect(before).toBeDefined();
    const series = before!.series;
    const today = Math.floor(START / DAY) * DAY;
    expect(series.openTime.at(-1)).toBe(today - DAY);
    expect(series.openTime).not.toContain(today);
    // limit=1000 returns the newest 1,000 rows, the forming one among them.
    expect(series.openTime.length).toBe(999);

    // The forming candle moves; an hour later only hourly series are due, the daily one is untouched.
    routes.setOpenSalt(7);
    await clock.advance(3600_000);
    expect((await crypto(500)).code).toBe(0);
    const after = await store.read(key);
    expect(after!.series).toEqual(series);
  });

  it('sends no klines request on a second run the same hour, none for daily series the same UTC day, and one per series after the daily close', async () => {
    // Runs until nothing Binance serves is pending (each run adds at most 2 s of history).
    for (let i = 0; i < 5 && /history: \d+ series pending/.test((await crypto(1000)).stderr); i++) await clock.advance(1000);
    const dailySeries = new Set(klinesCalls('1d').map((c) => c.symbol));
    expect(dailySeries.size).toBeGreaterThan(10);
    const first = api.requests.length;

    await clock.advance(10 * 60_000);
    const second = await crypto(1000);
    expect(second.code).toBe(0);
    expect(api.requests.slice(first).filter((r) => r.path === KLINES)).toEqual([]);

    await clock.advance(5 * 3600_000);
    const third = api.requests.length;
    expect((await crypto(1000)).code).toBe(0);
    expect(api.requests.slice(third).filter((r) => r.path === KLINES && r.query.get('interval') === '1d')).toEqual([]);

    // Past 00:00 UTC: yesterday's candle has closed, so each daily series is due exactly once.
    const midnight = Math.floor(clock.now() / DAY) * DAY + DAY;
    await clock.advance(midnight + 60_000 - clock.now());
    const before = api.requests.length;
    expect((await crypto(1000)).code).toBe(0);
    const after = api.requests.slice(before).filter((r) => r.path === KLINES && r.query.get('interval') === '1d');
    expect(after.length).toBe(dailySeries.size);
    expect(new Set(after.map((r) => r.query.get('symbol'))).size).toBe(after.length);
    for (const request of after) expect(Number(request.query.get('startTime'))).toBe(midnight - DAY);
  });

  it('asks keyless CoinGecko for history only in a run that did not just fetch its coin list (its next slot is 2 s away)', async () => {
    const charts = () => api.requests.filter((r) => r.path.endsWith('/market_chart')).length;
    // A cold run fetches the coin list from CoinGecko: no market_chart then, the coins stay pending.
    const cold = await crypto(1000);
    expect(cold.code, cold.stderr).toBe(0);
    expect(charts()).toBe(0);
    expect(cold.stderr).toMatch(/history: \d+ series pending/);
    // A run a few seconds later finds the coin list cached and CoinGecko's slot free: one goes out.
    await clock.advance(5000);
    const warm = await crypto(1000);
    expect(warm.code, warm.stderr).toBe(0);
    expect(charts()).toBeGreaterThan(0);
    expect(charts()).toBeLessThanOrEqual(3);
  });

  it('repairs a gap with one request from the first missing candle', async () => {
    const store = fileCandles(cacheDir);
    const key = { source: 'binance', interval: '1d', asset: 'ETHUSDT' } as const;
    expect((await crypto(1000)).code).toBe(0);
    const full = (await store.read(key))!.series;
    // Drop five candles in the middle and the last one: a gap, and a series one day behind.
    const keep = full.openTime.map((_, i) => i).filter((i) => (i < 990 || i > 994) && i < full.openTime.length - 1);
    const pick = (column: readonly number[]): number[] => keep.map((i) => column[i]!);
    const holed = {
      ...emptySeries('1d'),
      openTime: pick(full.openTime),
      open: pick(full.open),
      high: pick(full.high),
      low: pick(full.low),
      close: pick(full.close),
      quoteVolume: pick(full.quoteVolume),
    };
    await store.write(key, { series: holed, fetchedAt: clock.now() });
    const before = api.requests.length;
    expect((await crypto(1000)).code).toBe(0);
    const repairs = api.requests
      .slice(before)
      .filter((r) => r.path === KLINES && r.query.get('symbol') === 'ETHUSDT' && r.query.get('interval') === '1d');
    expect(repairs).toHaveLength(1);
    expect(Number(repairs[0]!.query.get('startTime'))).toBe(full.openTime[990]);
    expect((await store.read(key))!.series).toEqual(full);
  });
});

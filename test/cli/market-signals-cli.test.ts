import { describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../src/candle.js';
import { FileCandleStore } from '../../src/store/file/file-candle-store.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import { marketEnv, routeMarket } from './market-fixtures.js';
import { parseCommandJson } from './ops-fixtures.js';

/**
 * Market rows gain the daily signals when Massive bars are stored for a symbol (README
 * "Signals"): read from the candle store, never fetched by `screen market`; a symbol without bars
 * keeps null fields.
 */

const DAY = INTERVAL_MS['1d'];

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});

describe('screen market: signals from stored daily bars', () => {
  it('fills rvol, breakout, rsi14, trend, historyAsOf and why for a symbol with bars, null for one without', async () => {
    routeMarket(api);
    const lastOpen = Math.floor(Date.now() / DAY) * DAY - DAY;
    const n = 400;
    const openTime = Array.from({ length: n }, (_, i) => lastOpen - (n - 1 - i) * DAY);
    // A steady climb on steady volume, then a last day on eight times the volume.
    const close = openTime.map((_, i) => 100 + i * 0.5);
    const quoteVolume = openTime.map((_, i) => (i === n - 1 ? 8e8 : 1e8));
    const series = { interval: '1d' as const, openTime, open: close, high: close, low: close, close, quoteVolume };
    await new FileCandleStore(cacheDir).write({ source: 'massive', interval: '1d', asset: 'IBM' }, { series, fetchedAt: Date.now() });

    const run = await runMain(['market', '--sources', 'finnhub', 'IBM', 'MSFT', '--json'], marketEnv(api, cacheDir));
    expect(run.code, run.stderr).toBe(0);
    const rows = new Map(parseCommandJson<Record<string, unknown>>(run.stdout, run.stderr).results.map((row) => [row.symbol, row]));
    expect(rows.get('IBM')).toMatchObject({
      rvol: 8,
      breakout: '52w',
      rsi14: 100,
      trend: 'up',
      historyAsOf: new Date(lastOpen + DAY - 1).toISOString(),
      // A steady climb narrows the bands relative to the price: the tightest of the half year.
      why: '52w high · vol×8.0 · squeeze p1',
    });
    // The only row with bars: its 7-day return is the median, so it is 0 against the market.
    expect(rows.get('IBM')!.rs7dPct).toBe(0);
    expect(rows.get('MSFT')).toMatchObject({
      rvol: null,
      breakout: null,
      rs7dPct: null,
      rsi14: null,
      trend: null,
      historyAsOf: null,
      why: '',
    });

    const alert = await runMain(
      ['market', '--sources', 'finnhub', 'IBM', 'MSFT', '--json', '--alert', 'rvol > 5'],
      marketEnv(api, cacheDir),
    );
    const fired = (JSON.parse(alert.stdout) as { alerts: Array<{ symbol: string }> }).alerts;
    expect(fired.map((a) => a.symbol)).toEqual(['IBM']);
  });
});

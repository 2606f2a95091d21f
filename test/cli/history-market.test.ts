import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { installHistoryRoutes } from '../helpers/fake-api/history-routes.js';
import { fileCandles } from '../helpers/file-candles.js';
import { driveClock } from '../helpers/drive-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { type CliRun, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { marketEnv, routeMarket } from './market-fixtures.js';

/**
 * Stock history from Massive's grouped daily in `screen market` runs: a few days a run, newest
 * first, each day asked once; without MASSIVE_API_KEY there is none, and the run says so.
 */

const GROUPED = '/v2/aggs/grouped/locale/us/market/stocks/';
let api: FakeApi;
let cacheDir: string;
let clock: ManualClock;

useCliSandbox(async (sandbox) => {
  ({ api, cacheDir } = sandbox);
  clock = new ManualClock(Date.UTC(2026, 11, 7, 10, 0, 0));
  routeMarket(api);
  installHistoryRoutes(api, { now: () => clock.now(), symbols: [], tickers: ['AAPL', 'MSFT', 'NVDA'], prefixes: { massive: '/massive' } });
});

async function market(extra: Record<string, string>): Promise<CliRun> {
  return driveClock(clock, runMain(['market', 'AAPL', 'MSFT', '--json'], marketEnv(api, cacheDir, extra), { clock }));
}

describe('screen market: stock history', () => {
  it('without MASSIVE_API_KEY there is none, and the run says so', async () => {
    const run = await market({});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/market history: absent \(MASSIVE_API_KEY is not set\)/);
    expect(api.requests.filter((r) => r.path.startsWith(GROUPED))).toEqual([]);
  });

  it('with the key, fetches at most 4 days a run, newest first, each once, into each symbol’s series', async () => {
    const env = { MASSIVE_API_KEY: 'massive-test-key', SCREEN_MASSIVE_URL: `${api.url}/massive` };
    expect((await market(env)).code).toBe(0);
    const first = api.requests.filter((r) => r.path.startsWith(`/massive${GROUPED}`)).map((r) => r.path.split('/').at(-1));
    // Monday 7 Dec 2026: the last complete weekdays are Fri 4, Thu 3, Wed 2, Tue 1.
    expect(first).toEqual(['2026-12-04', '2026-12-03', '2026-12-02', '2026-12-01']);
    expect(api.requests.every((r) => !r.query.toString().includes('massive-test-key'))).toBe(true);
    await clock.advance(15 * 60_000);
    expect((await market(env)).code).toBe(0);
    const all = api.requests.filter((r) => r.path.startsWith(`/massive${GROUPED}`)).map((r) => r.path.split('/').at(-1));
    expect(all.slice(4)).toEqual(['2026-11-30', '2026-11-27', '2026-11-26', '2026-11-25']);
    const aapl = await fileCandles(cacheDir).read({ source: 'massive', interval: '1d', asset: 'AAPL' });
    expect(aapl?.series.openTime.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ]);
  });
});

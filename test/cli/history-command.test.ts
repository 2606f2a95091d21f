import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { installHistoryRoutes } from '../helpers/fake-api/history-routes.js';
import { driveClock } from '../helpers/drive-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { type CliRun, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { BODIES, cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * `screen history fill|status|clear` in-process against the fake APIs, on a manual clock:
 * fill fetches each due series once, status reports coverage in the contract's JSON, clear
 * removes history (and `screen cache clear` does not).
 */

const START = Date.UTC(2026, 11, 7, 10, 0, 0);
const KLINES = '/bn/api/v3/klines';
const usdtPairs = BODIES.binanceExchangeInfo.symbols
  .filter((s) => (s as { quoteAsset?: string }).quoteAsset === 'USDT')
  .map((s) => s.symbol);

let api: FakeApi;
let cacheDir: string;
let clock: ManualClock;

useCliSandbox(async (sandbox) => {
  ({ api, cacheDir } = sandbox);
  clock = new ManualClock(START);
  routeCrypto(api);
  installHistoryRoutes(api, { now: () => clock.now(), symbols: usdtPairs, prefixes: { binance: '/bn', coingecko: '/cg/api/v3' } });
});

async function screen(args: string[]): Promise<CliRun> {
  return driveClock(clock, runMain(args, cryptoEnv(api, cacheDir), { clock }));
}

interface Coverage {
  command: string;
  coverage: Array<{
    source: string;
    interval: string;
    series: number;
    behind: number;
    gaps: number;
    first: string | null;
    last: string | null;
  }>;
}

describe('screen history', () => {
  it('fill fetches every due series of the top N once; status reports coverage; a second fill sends nothing', async () => {
    const fill = await screen(['history', 'fill', '--limit', '20']);
    expect(fill.code, fill.stderr).toBe(0);
    expect(fill.stderr).toMatch(/history fill: 20 coins, 20 series due, 20 fetched in 20 requests, 0 still pending/);
    const klines = api.requests.filter((r) => r.path === KLINES);
    expect(new Set(klines.map((r) => r.query.get('symbol'))).size).toBe(klines.length);
    expect(klines.every((r) => r.query.get('interval') === '1d' && r.query.get('limit') === '1000')).toBe(true);

    const status = await screen(['history', 'status', '--json']);
    expect(status.code).toBe(0);
    const doc = JSON.parse(status.stdout) as Coverage;
    expect(Object.keys(doc)).toEqual(['command', 'coverage']);
    expect(doc.command).toBe('history');
    for (const row of doc.coverage) expect(Object.keys(row)).toEqual(['source', 'interval', 'series', 'behind', 'gaps', 'first', 'last']);
    const binance = doc.coverage.find((row) => row.source === 'binance' && row.interval === '1d');
    expect(binance).toMatchObject({ series: klines.length, behind: 0, gaps: 0, last: '2026-12-06T00:00:00.000Z' });
    expect(doc.coverage.reduce((sum, row) => sum + row.series, 0)).toBe(20);

    const before = api.requests.length;
    const again = await screen(['history', 'fill', '--limit', '20']);
    expect(again.code).toBe(0);
    expect(api.requests.slice(before).filter((r) => r.path === KLINES || r.path.endsWith('/market_chart'))).toEqual([]);

    // A day later every series is behind by one candle.
    await clock.advance(24 * 3600_000);
    const later = JSON.parse((await screen(['history', 'status', '--json'])).stdout) as Coverage;
    expect(later.coverage.reduce((sum, row) => sum + row.behind, 0)).toBe(20);
  });

  it('--interval all fills daily and hourly series; CoinGecko-only coins have no hourly', async () => {
    const fill = await screen(['history', 'fill', '--limit', '5', '--interval', 'all']);
    expect(fill.code, fill.stderr).toBe(0);
    const intervals = new Set(api.requests.filter((r) => r.path === KLINES).map((r) => r.query.get('interval')));
    expect(intervals).toEqual(new Set(['1d', '1h']));
  });

  it('cache clear leaves history alone; history clear SOURCE removes only that source', async () => {
    expect((await screen(['history', 'fill', '--limit', '20'])).code).toBe(0);
    expect((await screen(['cache', 'clear'])).code).toBe(0);
    const kept = JSON.parse((await screen(['history', 'status', '--json'])).stdout) as Coverage;
    expect(kept.coverage.reduce((sum, row) => sum + row.series, 0)).toBe(20);
    const cleared = await screen(['history', 'clear', 'coingecko']);
    expect(cleared.code).toBe(0);
    expect(cleared.stderr).toMatch(/removed \d+ coingecko history series/);
    const after = JSON.parse((await screen(['history', 'status', '--json'])).stdout) as Coverage;
    expect(after.coverage.map((row) => row.source)).toEqual(['binance']);
    expect((await screen(['history', 'clear'])).code).toBe(0);
    expect(JSON.parse((await screen(['history', 'status', '--json'])).stdout)).toEqual({ command: 'history', coverage: [] });
  });

  it('bad input is one line and exit 2', async () => {
    for (const args of [
      ['history', 'refill'],
      ['history', 'fill', '--interval', '4h'],
      ['history', 'clear', 'kraken'],
      ['history', 'status', 'binance'],
      ['history', 'fill', '--limit', '0'],
    ]) {
      const run = await screen(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

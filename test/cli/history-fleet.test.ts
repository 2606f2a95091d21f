import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileCandles } from '../helpers/file-candles.js';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { installHistoryRoutes } from '../helpers/fake-api/history-routes.js';
import { driveClock } from '../helpers/drive-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { BIN, type CliRun, removeDir, runCli, runMain, tempCacheDir } from '../helpers/run-cli.js';
import { BODIES, cryptoEnv, routeBinance, routeCrypto } from './crypto-fixtures.js';

/**
 * `history fill` as real processes (the built bin): Ctrl-C mid-fill keeps every series already
 * written and a rerun fetches only the rest; two processes on one Redis fetch each series once;
 * a Retry-After one process meets holds for every process of the fleet.
 */

const KLINES = '/bn/api/v3/klines';
const usdtPairs = BODIES.binanceExchangeInfo.symbols
  .filter((s) => (s as { quoteAsset?: string }).quoteAsset === 'USDT')
  .map((s) => s.symbol);

let api: FakeApi;
const dirs: string[] = [];

beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await Promise.all([api.close(), ...dirs.map(removeDir)]);
});
beforeEach(() => {
  api.reset();
  routeCrypto(api);
});

async function machineDir(): Promise<string> {
  const dir = await tempCacheDir();
  dirs.push(dir);
  return dir;
}

function historyRequests(from = 0): Array<{ path: string; series: string }> {
  return api.requests
    .slice(from)
    .filter((r) => r.path === KLINES || r.path.endsWith('/market_chart'))
    .map((r) => ({
      path: r.path,
      series:
        r.path === KLINES ? `binance/${r.query.get('interval')}/${r.query.get('symbol')}` : `coingecko/1d/${r.path.split('/').at(-2)}`,
    }));
}

async function storedNames(dir: string): Promise<string[]> {
  const listed = await fileCandles(dir).list();
  return listed.map((l) => `${l.key.source}/${l.key.interval}/${l.key.asset}`).sort();
}

describe('screen history fill, interrupted', () => {
  it('exits 130 on SIGINT keeping what it wrote; a rerun fetches only the series still missing', async () => {
    installHistoryRoutes(api, {
      now: () => Date.now(),
      symbols: usdtPairs,
      latencyMs: 150,
      prefixes: { binance: '/bn', coingecko: '/cg/api/v3' },
    });
    const dir = await machineDir();
    const env = cryptoEnv(api, dir);
    const child = spawn(process.execPath, [BIN, 'history', 'fill', '--limit', '40', '--interval', 'all'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupted once a good part of the series has been asked for, well before the end.
    while (api.requests.filter((r) => r.path === KLINES).length < 15) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    const kept = await storedNames(dir);
    expect(kept.length).toBeGreaterThan(0);

    const before = api.requests.length;
    const rerun = await runCli(['history', 'fill', '--limit', '40', '--interval', 'all'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    const asked = historyRequests(before).map((r) => r.series);
    expect(asked.filter((name) => kept.includes(name))).toEqual([]);
    expect(new Set(asked).size).toBe(asked.length);
    const all = await storedNames(dir);
    expect(all.length).toBe(kept.length + asked.length);
    expect(rerun.stderr).toMatch(/0 still pending/);
  }, 60_000);
});

describe.skipIf(REDIS_SKIP_NOTE !== undefined)('screen history on one Redis store', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());
  beforeEach(() => redis.flush());

  it('two processes filling at once fetch each series once between them', async () => {
    installHistoryRoutes(api, {
      now: () => Date.now(),
      symbols: usdtPairs,
      latencyMs: 40,
      prefixes: { binance: '/bn', coingecko: '/cg/api/v3' },
    });
    const run = async (): Promise<CliRun> =>
      runCli(['history', 'fill', '--limit', '40', '--interval', 'all', '--store', redis.url], cryptoEnv(api, await machineDir()));
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const asked = historyRequests().map((r) => r.series);
    const dup = asked.filter((name, i) => asked.indexOf(name) !== i);
    expect(asked.length, `${a.stderr}\n${b.stderr}\n${JSON.stringify(dup.slice(0, 10))}`).toBeGreaterThan(40);
    expect(new Set(asked).size).toBe(asked.length);
    const status = JSON.parse(
      (await runCli(['history', 'status', '--json', '--store', redis.url], cryptoEnv(api, await machineDir()))).stdout,
    ) as {
      coverage: Array<{ series: number }>;
    };
    expect(status.coverage.reduce((sum, row) => sum + row.series, 0)).toBe(asked.length);
  }, 60_000);

  it('a Retry-After from the weight bucket, met by one process, holds for every process until it ends', async () => {
    // Binance on a host of its own, as in production: its block must not hold CoinGecko up.
    const binance = await startFakeApi();
    try {
      routeBinance(binance);
      const clock = new ManualClock(Date.UTC(2026, 11, 7, 10, 0, 30));
      installHistoryRoutes(binance, { now: () => clock.now(), symbols: usdtPairs, weightPerMinute: 20, prefixes: { binance: '/bn' } });
      const crypto = async (): Promise<CliRun> => {
        const env = cryptoEnv(api, await machineDir(), { SCREEN_HISTORY_BUDGET: '60' }, [`${binance.url}/bn`]);
        return driveClock(clock, runMain(['crypto', '--json', '--store', redis.url], env, { clock }));
      };
      const klines = (from: number): number => binance.requests.slice(from).filter((r) => r.path === KLINES).length;
      // Machine A: the bucket (20 weight a minute here) answers 429 with Retry-After to the next minute (30 s).
      const first = await crypto();
      expect(first.code, first.stderr).toBe(0);
      // 10 fit the bucket; those already in flight when the 429 came (10 at most) meet it too; no more are sent.
      expect(klines(0)).toBeGreaterThan(10);
      expect(klines(0)).toBeLessThanOrEqual(20);
      expect(clock.now()).toBeLessThan(Date.UTC(2026, 11, 7, 10, 1, 0));
      // Machine B, 10 s later, inside the block: no klines request at all.
      await clock.advance(10_000);
      const before = binance.requests.length;
      expect((await crypto()).code).toBe(0);
      expect(klines(before)).toBe(0);
      // Machine C, past the minute: the block is over.
      await clock.advance(Date.UTC(2026, 11, 7, 10, 1, 1) - clock.now());
      const after = binance.requests.length;
      expect((await crypto()).code).toBe(0);
      expect(klines(after)).toBeGreaterThan(0);
    } finally {
      await binance.close();
    }
  }, 60_000);
});

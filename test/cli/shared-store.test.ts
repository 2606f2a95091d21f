import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { BIN, type CliRun, removeDir, runCli, tempCacheDir } from '../helpers/run-cli.js';
import { waitUntil } from './ops-fixtures.js';
import { ALL_CRYPTO_PATHS, CRYPTO_PATHS, cryptoEnv, parseCryptoJson, routeCrypto, statusBySource } from './crypto-fixtures.js';
import { MARKET_PATHS, marketEnv, routeMarket, syntheticSymbols } from './market-fixtures.js';

/**
 * Several CLI processes standing for machines: each its own cache dir, one shared Redis store.
 * Real processes (the built bin), a real redis-server, the fake API. The processes pacing
 * themselves against a token bucket are in shared-store-pacing.test.ts, which runs on its own.
 */
describe.skipIf(REDIS_SKIP_NOTE !== undefined)('processes sharing one Redis store', () => {
  let redis: RedisServer;
  let api: FakeApi;
  const dirs: string[] = [];

  beforeAll(async () => {
    [redis, api] = await Promise.all([startRedisServer(), startFakeApi()]);
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), api.close(), ...dirs.map(removeDir)]);
  });
  beforeEach(async () => {
    api.reset();
    await redis.flush();
  });

  /** A fresh cache dir per process: what a separate machine would have. */
  async function machineDir(): Promise<string> {
    const dir = await tempCacheDir();
    dirs.push(dir);
    return dir;
  }

  async function crypto(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
    return runCli(['crypto', '--json', '--store', redis.url, ...args], cryptoEnv(api, await machineDir(), extra));
  }

  it('6 concurrent cold runs fetch each cache key once; a 7th with an empty cache dir is served cached, with no request', async () => {
    routeCrypto(api);
    // Slow enough that all six are in flight at once.
    api.fault('*', { latencyMs: 300 }, { times: 4 });
    const runs = await Promise.all(Array.from({ length: 6 }, () => crypto([])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    for (const path of ALL_CRYPTO_PATHS) expect(api.requestCount(path), path).toBe(1);
    const statuses = runs.map((run) => statusBySource(parseCryptoJson(run.stdout)));
    // Whoever held each key's lock fetched it; everyone else was served what it wrote.
    expect(statuses.filter((s) => s.coingecko === 'fresh')).toHaveLength(1);
    expect(statuses.filter((s) => s.coingecko === 'cached')).toHaveLength(5);

    const seventh = await crypto([]);
    expect(seventh.code, seventh.stderr).toBe(0);
    expect(statusBySource(parseCryptoJson(seventh.stdout))).toEqual({ coingecko: 'cached', binance: 'cached', coincap: 'cached' });
    expect(api.requestCount()).toBe(4);
  });

  it("3 market processes share Alpha Vantage's 25 calls a day: at most 25 calls in total", async () => {
    routeMarket(api);
    const symbols = syntheticSymbols(45);
    const runs = await Promise.all(
      [0, 1, 2].map(async (i) =>
        runCli(
          ['market', '--json', '--sources', 'alphavantage', '--store', redis.url, ...symbols.slice(i * 15, i * 15 + 15)],
          marketEnv(api, await machineDir()),
        ),
      ),
    );
    // A process that found the day's budget spent by the others has nothing to show (exit 1), never a call.
    for (const run of runs) expect([0, 1], run.stderr).toContain(run.code);
    expect(api.requestCount(MARKET_PATHS.alphavantage)).toBe(25);
    expect(await redis.command('GET', `qaht:budget:alphavantage:${new Date().toISOString().slice(0, 10)}`)).toContain('25');
  });

  it('a breaker opened by one process keeps the others from calling that host', async () => {
    api.fault(CRYPTO_PATHS.coingecko, { status: 503 });
    const first = await crypto(['--sources', 'coingecko', '--max-retries', '4']);
    expect(first.code).toBe(1);
    // Five consecutive failures: the breaker is open, for every process.
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(5);
    const others = await Promise.all([crypto(['--sources', 'coingecko']), crypto(['--sources', 'coingecko'])]);
    for (const run of others) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/circuit open/);
    }
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(5);
  });

  it('a process killed while it holds a fill lock blocks the others only until the lock expires', async () => {
    routeCrypto(api);
    // The first fetch hangs (its holder is killed meanwhile); later ones answer at once.
    api.fault(CRYPTO_PATHS.coingecko, { latencyMs: 60_000 }, { times: 1 });
    const env = { SCREEN_TIMEOUT_MS: '2000' };
    const holder = spawn(process.execPath, [BIN, 'crypto', '--json', '--sources', 'coingecko', '--store', redis.url], {
      env: cryptoEnv(api, await machineDir(), env),
      stdio: 'ignore',
    });
    await waitUntil(() => api.requestCount(CRYPTO_PATHS.coingecko) === 1, 'the holder to send its request');
    holder.kill('SIGKILL');
    const killedAt = Date.now();
    const runs = await Promise.all([crypto(['--sources', 'coingecko'], env), crypto(['--sources', 'coingecko'], env)]);
    const waitedMs = Date.now() - killedAt;
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(runs.map((run) => statusBySource(parseCryptoJson(run.stdout)).coingecko).sort()).toEqual(['cached', 'fresh']);
    // One more upstream request after the kill; the lock (one request timeout) held the others that long at most.
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(2);
    expect(waitedMs).toBeLessThan(15_000);
  });

  it('Redis stopped mid-series: the next run warns once and exits 0 on the file store within a few seconds', async () => {
    routeCrypto(api);
    const dir = await machineDir();
    const env = cryptoEnv(api, dir);
    const before = await runCli(['crypto', '--json', '--store', redis.url], env);
    expect(before.code, before.stderr).toBe(0);
    await redis.stop();
    try {
      const started = Date.now();
      const after = await runCli(['crypto', '--json', '--store', redis.url], env);
      expect(after.code, after.stderr).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      const warnings = after.stderr.split('\n').filter((line) => line.startsWith('warning:'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`redis store ${redis.url} unreachable: .*; using the file store in ${dir}`));
      expect(Object.values(statusBySource(parseCryptoJson(after.stdout)))).toEqual(['fresh', 'fresh', 'fresh']);
    } finally {
      redis = await startRedisServer();
    }
  });
});

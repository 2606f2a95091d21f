import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';
import { httpGet, serveEnv } from '../serve/live-fixtures.js';
import { spawnCli, waitUntil } from './ops-fixtures.js';
import { cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * A store fallback is degraded, never silent: a cron run (`--quiet --strict --log-file
 * --metrics-file`) with Redis down exits 3 with one line, a `warn` record and
 * `qaht_store_fallback 1`; and `screen serve` returns to Redis after a kill -9 and restart (its
 * keys reappear within 30 s, `/metrics` says 1 then 0).
 */
describe.skipIf(REDIS_SKIP_NOTE !== undefined)('store fallback', () => {
  let redis: RedisServer;
  let api: FakeApi;
  let work: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    [redis, api] = await Promise.all([startRedisServer(), startFakeApi()]);
    routeCrypto(api);
    work = await mkdtemp(join(tmpdir(), 'qaht-fallback-'));
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), api.close(), removeDir(work), ...dirs.map(removeDir)]);
  });

  async function dir(): Promise<string> {
    const made = await tempCacheDir();
    dirs.push(made);
    return made;
  }

  it('a cron run with Redis down: exit 3 under --strict, one line, a warn record, qaht_store_fallback 1', async () => {
    const log = join(work, 'cron.log');
    const metrics = join(work, 'cron.prom');
    const cron = ['crypto', '--quiet', '--strict', '--log-file', log, '--metrics-file', metrics, '--sources', 'coingecko,binance'];
    const up = await runMain([...cron, '--store', redis.url], cryptoEnv(api, await dir()));
    expect(up.code, up.stderr).toBe(0);
    expect(await readFile(metrics, 'utf8')).toMatch(/^qaht_store_fallback\{command="crypto"\} 0$/m);

    // A port nothing listens on: Redis unreachable.
    const down = await runMain([...cron, '--store', 'redis://127.0.0.1:9'], cryptoEnv(api, await dir()));
    expect(down.code, down.stderr).toBe(3);
    const lines = down.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^screen: degraded: redis store redis:\/\/127\.0\.0\.1:9 unreachable: .*; the file store served this run$/);
    const records = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(records.filter((record) => record.msg === 'store fallback: using the file store' && record.level === 40)).toHaveLength(1);
    expect(await readFile(metrics, 'utf8')).toMatch(/^qaht_store_fallback\{command="crypto"\} 1$/m);
  });

  it('serve returns to Redis within 30 s of its restart after a kill -9', { timeout: 90_000 }, async () => {
    await redis.flush();
    const running = spawnCli(
      ['serve', '--port', '0', '--every', 'crypto=10s,news=off,market=off', '--store', redis.url],
      serveEnv(api, await dir()),
      85_000,
    );
    let stderr = '';
    running.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const qahtKeys = async (): Promise<number> => (await redis.dump()).filter((entry) => entry.key.startsWith('qaht:')).length;
    const fallbackGauge = async (origin: string): Promise<string | undefined> =>
      /^qaht_store_fallback\{command="serve"\} (\d)$/m.exec((await httpGet(`${origin}/metrics`)).body)?.[1];
    try {
      await waitUntil(() => /listening on \S+/.test(stderr), 'screen serve to listen');
      const origin = /listening on (\S+)/.exec(stderr)![1]!;
      for (let i = 0; i < 200 && (await qahtKeys()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await qahtKeys()).toBeGreaterThan(0);
      expect(await fallbackGauge(origin)).toBe('0');

      const port = redis.port;
      process.kill(redis.pid, 'SIGKILL');
      await redis.stop();
      await waitUntil(() => /stopped answering/.test(stderr), 'serve to notice', 20_000);
      expect(await fallbackGauge(origin)).toBe('1');

      redis = await startRedisServer({ port });
      const back = Date.now();
      for (;;) {
        if ((await qahtKeys()) > 0 && (await fallbackGauge(origin)) === '0') break;
        if (Date.now() - back > 30_000) throw new Error(`serve did not return to Redis within 30 s:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(Date.now() - back).toBeLessThan(30_000);
    } finally {
      running.child.kill('SIGTERM');
      expect((await running.done).code).toBe(0);
    }
  });

  it('serve started while Redis is down joins it within 30 s of it coming up', { timeout: 90_000 }, async () => {
    const port = redis.port;
    await redis.stop();
    const running = spawnCli(
      ['serve', '--port', '0', '--every', 'crypto=10s,news=off,market=off', '--store', `redis://127.0.0.1:${port}`],
      serveEnv(api, await dir()),
      85_000,
    );
    let stderr = '';
    running.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const fallbackGauge = async (origin: string): Promise<string | undefined> =>
      /^qaht_store_fallback\{command="serve"\} (\d)$/m.exec((await httpGet(`${origin}/metrics`)).body)?.[1];
    try {
      await waitUntil(() => /listening on \S+/.test(stderr), 'screen serve to listen');
      const origin = /listening on (\S+)/.exec(stderr)![1]!;
      expect(stderr).toMatch(/unreachable/);
      expect(await fallbackGauge(origin)).toBe('1');

      redis = await startRedisServer({ port });
      const back = Date.now();
      const qahtKeys = async (): Promise<number> => (await redis.dump()).filter((entry) => entry.key.startsWith('qaht:')).length;
      for (;;) {
        if ((await qahtKeys()) > 0 && (await fallbackGauge(origin)) === '0') break;
        if (Date.now() - back > 30_000) throw new Error(`serve did not join Redis within 30 s:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(stderr).toMatch(/store back: using the redis store again/);
    } finally {
      running.child.kill('SIGTERM');
      expect((await running.done).code).toBe(0);
    }
  });
});

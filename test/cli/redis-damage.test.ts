import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { BIN, type CliRun, removeDir, runCli, tempCacheDir } from '../helpers/run-cli.js';
import { waitUntil } from './ops-fixtures.js';
import { CRYPTO_PATHS, cryptoEnv, parseCryptoJson, routeCrypto, statusBySource } from './crypto-fixtures.js';

/**
 * A real redis-server frozen or filled with damaged keys: a fill lock without a TTL, a pacing
 * slot (`tat`) of 99999999999999 or `inf`, keys of the wrong type, the server stopped with
 * SIGSTOP. Each run finishes within its deadline, with one warning and correct data, and the
 * damaged keys are repaired (never obeyed).
 */
describe.skipIf(REDIS_SKIP_NOTE !== undefined)('a damaged or frozen shared store', () => {
  let redis: RedisServer;
  let api: FakeApi;
  const dirs: string[] = [];
  const DEADLINE_MS = 10_000;

  beforeAll(async () => {
    [redis, api] = await Promise.all([startRedisServer(), startFakeApi()]);
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), api.close(), ...dirs.map(removeDir)]);
  });
  beforeEach(async () => {
    api.reset();
    routeCrypto(api);
    await redis.flush();
  });

  async function crypto(args: string[] = []): Promise<CliRun & { elapsedMs: number }> {
    const dir = await tempCacheDir();
    dirs.push(dir);
    const started = Date.now();
    const run = await runCli(
      ['crypto', '--json', '--sources', 'coingecko,binance', '--store', redis.url, '--deadline-ms', String(DEADLINE_MS), ...args],
      cryptoEnv(api, dir),
    );
    return { ...run, elapsedMs: Date.now() - started };
  }

  function warnings(run: CliRun): string[] {
    return run.stderr.split('\n').filter((line) => line.startsWith('warning:'));
  }

  async function keys(pattern: string): Promise<string[]> {
    return (await redis.dump()).map((entry) => entry.key).filter((key) => new RegExp(pattern).test(key));
  }

  function expectGood(run: CliRun & { elapsedMs: number }, warning: RegExp): void {
    expect(run.code, run.stderr).toBe(0);
    expect(run.elapsedMs).toBeLessThan(DEADLINE_MS + 5_000);
    expect(Object.values(statusBySource(parseCryptoJson(run.stdout))).filter((status) => status !== 'skipped')).toEqual(['fresh', 'fresh']);
    expect(warnings(run), run.stderr).toHaveLength(1);
    expect(warnings(run)[0]).toMatch(warning);
    expect(run.stderr).not.toMatch(/stopped answering/);
  }

  it('a fill lock left without a TTL is removed, not waited for', async () => {
    // A holder killed mid-fetch leaves its lock; PERSIST makes it one that would never expire.
    api.fault(CRYPTO_PATHS.coingecko, { latencyMs: 60_000 }, { times: 1 });
    const dir = await tempCacheDir();
    dirs.push(dir);
    const holder = spawn(process.execPath, [BIN, 'crypto', '--json', '--sources', 'coingecko', '--store', redis.url], {
      env: cryptoEnv(api, dir),
      stdio: 'ignore',
    });
    await waitUntil(() => api.requestCount(CRYPTO_PATHS.coingecko) === 1, 'the holder to send its request');
    holder.kill('SIGKILL');
    const locks = await keys('^qaht:lock:');
    expect(locks.length).toBeGreaterThan(0);
    for (const lock of locks) await redis.command('PERSIST', lock);
    expect((await redis.command('PTTL', locks[0]!)).trim()).toBe(':-1');

    const run = await crypto(['--force-refresh']);
    expectGood(run, /fill lock without a TTL .* removed; repaired, never obeyed/);
  });

  it.each(['99999999999999', 'inf', 'nan', 'garbage'])('a pacing slot (tat) of %s is dropped, not obeyed', async (tat) => {
    expect((await crypto()).code).toBe(0);
    const paces = await keys('^qaht:pace:');
    expect(paces.length).toBeGreaterThan(0);
    for (const pace of paces) await redis.command('HSET', pace, 'tat', tat);
    const run = await crypto(['--force-refresh']);
    expectGood(run, /shared pacing of \S+ held an impossible time or delay; repaired, never obeyed/);
    for (const pace of paces) expect(Number((await redis.command('HGET', pace, 'tat')).split('\r\n')[1])).toBeLessThan(Date.now() + 60_000);
  });

  it('a shared breaker opened ten years ahead is discarded, not obeyed', async () => {
    expect((await crypto()).code).toBe(0);
    const hosts = (await keys('^qaht:pace:')).map((key) => key.slice('qaht:pace:'.length));
    expect(hosts.length).toBeGreaterThan(0);
    const ahead = String(Date.now() + 10 * 365 * 86_400_000);
    for (const host of hosts)
      await redis.command('HSET', `qaht:breaker:${host}`, 'state', 'open', 'failures', '0', 'openedAt', ahead, 'since', '0', 'probes', '0');
    const run = await crypto(['--force-refresh']);
    expectGood(run, /shared breaker of \S+ held an impossible time; repaired, never obeyed/);
  });

  it('keys of the wrong type under the prefix are deleted and rebuilt, with one warning', async () => {
    expect((await crypto()).code).toBe(0);
    const damaged = [...(await keys('^qaht:pace:')), ...(await keys('^qaht:source:'))];
    expect(damaged.length).toBeGreaterThan(1);
    for (const key of damaged) {
      await redis.command('DEL', key);
      await redis.command('RPUSH', key, 'not', 'a', 'hash');
    }
    const run = await crypto(['--force-refresh']);
    expectGood(run, /of the wrong type .* deleted; repaired, never obeyed/);
    for (const key of await keys('^qaht:(pace|source):')) expect((await redis.command('TYPE', key)).trim()).not.toBe('+list');
  });

  it('a server frozen with SIGSTOP: the run falls back within its deadline, with one warning', async () => {
    expect((await crypto()).code).toBe(0);
    process.kill(redis.pid, 'SIGSTOP');
    try {
      const run = await crypto(['--force-refresh']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.elapsedMs).toBeLessThan(DEADLINE_MS + 5_000);
      expect(warnings(run), run.stderr).toHaveLength(1);
      expect(warnings(run)[0]).toMatch(/redis store .* (unreachable|stopped answering)/);
      expect(Object.values(statusBySource(parseCryptoJson(run.stdout))).filter((status) => status !== 'skipped')).toEqual([
        'fresh',
        'fresh',
      ]);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
    // Thawed, the store serves again.
    const after = await crypto();
    expect(after.code, after.stderr).toBe(0);
    expect(warnings(after)).toEqual([]);
  });
});

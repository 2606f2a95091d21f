import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { BIN, cleanEnv, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { loadedModules } from '../helpers/loaded-modules.js';
import { CRYPTO_PATHS, cryptoEnv, parseCryptoJson, routeCrypto, statusBySource, TEST_COINCAP_KEY } from './crypto-fixtures.js';
import { MARKET_KEYS, marketEnv, routeMarket } from './market-fixtures.js';

const TRACE_HOOK = fileURLToPath(new URL('../bench/module-trace.mjs', import.meta.url));

describe('--store', () => {
  it.each([
    ['bogus://x', 'screen: --store expects file: or redis://[user:pass@]host:port[/db] (rediss:// for TLS), got "bogus://x"\n'],
    ['redis://', 'screen: --store needs a host (file: or redis://[user:pass@]host:port[/db] (rediss:// for TLS)), got "redis://"\n'],
    ['redis://h:6379/db', 'screen: --store takes a database number as its path (/0, /1, ...), got "redis://h:6379/db"\n'],
    ['redis://u:hunter22@h:0', 'screen: --store needs a port between 1 and 65535, got "redis://u:***@h:0"\n'],
  ])('%s is a usage error: exit 2, one line, before any work (a password never shown)', async (value, message) => {
    const run = await runMain(['crypto', '--offline', '--store', value], cleanEnv());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(message);
  });

  it('SCREEN_STORE_URL and SCREEN_STORE_PREFIX are judged the same way, naming the variable', async () => {
    const url = await runMain(['status'], cleanEnv({ SCREEN_STORE_URL: 'bogus://x' }));
    expect([url.code, url.stderr]).toEqual([2, expect.stringMatching(/^screen: SCREEN_STORE_URL expects file: or redis:/)]);
    const prefix = await runMain(['status'], cleanEnv({ SCREEN_STORE_URL: 'redis://127.0.0.1:1', SCREEN_STORE_PREFIX: 'has space' }));
    expect([prefix.code, prefix.stderr]).toEqual([
      2,
      'screen: SCREEN_STORE_PREFIX must be 1 to 64 printable characters without spaces, got "has space"\n',
    ]);
  });

  it('file: is the default, said out loud', async () => {
    const run = await runMain(['crypto', '--offline', '--store', 'file:'], cleanEnv({ SCREEN_STORE_URL: 'bogus://not-read' }));
    // Offline with nothing cached: no results (exit 1), but no usage error, and the variable is not read.
    expect([run.code, run.stderr]).toEqual([1, expect.not.stringContaining('SCREEN_STORE_URL')]);
  });

  it.skipIf(REDIS_SKIP_NOTE !== undefined)('takes a user and password from the URL, and never shows the password', async () => {
    const locked = await startRedisServer({ password: 'hunter22-pw' });
    const { tempCacheDir, removeDir } = await import('../helpers/run-cli.js');
    const dir = await tempCacheDir();
    try {
      const env = cleanEnv({ SCREEN_CACHE_DIR: dir });
      const right = await runMain(['status', '--json', '--store', `redis://default:hunter22-pw@127.0.0.1:${locked.port}/1`], env);
      expect(JSON.parse(right.stdout).store).toEqual({ kind: 'redis', url: `redis://default@127.0.0.1:${locked.port}/1`, problem: null });
      const wrong = await runMain(['status', '--store', `redis://default:wrong-pw@127.0.0.1:${locked.port}`], env);
      expect(wrong.stderr).toMatch(/^warning: redis store redis:\/\/default@127\.0\.0\.1:\d+ unreachable: .*(WRONGPASS|invalid)/m);
      expect(wrong.stdout + wrong.stderr).not.toContain('wrong-pw');
    } finally {
      await Promise.all([locked.stop(), removeDir(dir)]);
    }
  });

  it('a file-store run never loads the redis package; a Redis-store run does (the trace sees it)', async () => {
    const { tempCacheDir, removeDir } = await import('../helpers/run-cli.js');
    const dir = await tempCacheDir();
    try {
      const traced = async (extra: string[]): Promise<string[]> => {
        const file = join(dir, `trace-${extra.length}.txt`);
        const child = spawn(process.execPath, ['--import', TRACE_HOOK, BIN, 'crypto', '--offline', ...extra], {
          env: { ...cleanEnv({ SCREEN_CACHE_DIR: dir }), QAHT_BENCH_TRACE: file },
          stdio: 'ignore',
        });
        await new Promise((resolve) => child.on('close', resolve));
        return loadedModules(file);
      };
      const fileRun = await traced([]);
      expect(fileRun).toContain('src/cli/main.ts');
      expect(fileRun.filter((url) => /node_modules\/(redis|@redis)\//.test(url))).toEqual([]);
      const redisRun = await traced(['--store', 'redis://127.0.0.1:1']);
      expect(redisRun.some((url) => /node_modules\/(redis|@redis\/client)\//.test(url))).toBe(true);
    } finally {
      await removeDir(dir);
    }
  });
});

describe.skipIf(REDIS_SKIP_NOTE !== undefined)('--store redis:// in one process', () => {
  let redis: RedisServer;
  let env: NodeJS.ProcessEnv;
  let fake: Parameters<typeof routeCrypto>[0];
  let dir: string;
  useCliSandbox(({ api, cacheDir }) => {
    fake = api;
    dir = cacheDir;
    env = cryptoEnv(api, cacheDir, { SCREEN_STORE_URL: redis.url });
    routeCrypto(api);
  });
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    await redis.flush();
  });

  it('keeps no API key in any key or value', async () => {
    const crypto = await runMain(['crypto', '--json'], env);
    expect(crypto.code, crypto.stderr).toBe(0);
    routeMarket(fake);
    const market = await runMain(['market', '--json', 'AAPL', 'MSFT'], marketEnv(fake, dir, { SCREEN_STORE_URL: redis.url }));
    expect(market.code, market.stderr).toBe(0);
    const dump = await redis.dump();
    expect(dump.length).toBeGreaterThan(5);
    const text = dump.map(({ key, value }) => `${key}\n${value}`).join('\n');
    for (const secret of [TEST_COINCAP_KEY, ...Object.values(MARKET_KEYS)]) expect(text).not.toContain(secret);
  });

  it('status and cache ls|clear read the shared store, and say which one served', async () => {
    const run = await runMain(['crypto', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    // Another machine: an empty cache dir, the same Redis.
    const { tempCacheDir, removeDir } = await import('../helpers/run-cli.js');
    const elsewhere = await tempCacheDir();
    try {
      const other = { ...env, SCREEN_CACHE_DIR: elsewhere };
      const status = JSON.parse((await runMain(['status', '--json'], other)).stdout) as {
        store: unknown;
        sources: Array<{ name: string; lastSuccessAt: string | null; cache: unknown[] }>;
      };
      expect(status.store).toEqual({ kind: 'redis', url: redis.url, problem: null });
      const coingecko = status.sources.find((source) => source.name === 'coingecko')!;
      expect(coingecko.lastSuccessAt).not.toBeNull();
      expect(coingecko.cache).toHaveLength(1);
      const table = await runMain(['status'], other);
      expect(table.stderr).toContain(`store: ${redis.url} (shared)`);

      const ls = JSON.parse((await runMain(['cache', 'ls', '--json'], other)).stdout) as {
        store: string;
        storeUrl: string;
        entries: unknown[];
      };
      expect(ls).toMatchObject({ store: 'redis', storeUrl: redis.url });
      expect(ls.entries).toHaveLength(4);
      const clear = await runMain(['cache', 'clear', 'binance'], other);
      expect(clear.stderr).toBe('removed 2 entries of binance\n');
      expect((JSON.parse((await runMain(['cache', 'ls', '--json'], other)).stdout) as { entries: unknown[] }).entries).toHaveLength(2);
    } finally {
      await removeDir(elsewhere);
    }
  });

  it('status on an unreachable Redis shows the file store and says why, with the password masked', async () => {
    const run = await runMain(['status', '--json'], { ...env, SCREEN_STORE_URL: 'redis://qaht:hunter22@127.0.0.1:1/2' });
    expect(run.code).toBe(0);
    const { store } = JSON.parse(run.stdout) as { store: { kind: string; url: string; problem: string } };
    expect(store.kind).toBe('file');
    expect(store.url).toBe('redis://qaht@127.0.0.1:1/2');
    expect(store.problem).toMatch(/^redis store redis:\/\/qaht@127\.0\.0\.1:1\/2 unreachable: .*; showing the file store in /);
    expect(run.stdout + run.stderr).not.toContain('hunter22');
  });

  it('Redis going away mid-run: one warning, and the run finishes on the file store', async () => {
    let stopped = false;
    fake.route('GET', CRYPTO_PATHS.coingecko, async (_req, _url, ctx) => {
      if (!stopped) {
        stopped = true;
        await redis.stop();
      }
      ctx.json([]);
    });
    const run = await runMain(['crypto', '--json'], env);
    redis = await startRedisServer();
    expect(run.code, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^warning: redis store redis:\/\/127\.0\.0\.1:\d+ stopped answering \(.*\); the rest of this run uses the file store in /,
    );
    expect(statusBySource(parseCryptoJson(run.stdout)).binance).toBe('fresh');
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { parseArray, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { type CliRun, removeDir, runCli, tempCacheDir } from '../helpers/run-cli.js';
import { cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * The journal across a fleet: crypto runs on separate machines (own cache dirs, the built bin)
 * sharing one Redis store record each closed day once between them, and no later run adds to it.
 */
describe.skipIf(REDIS_SKIP_NOTE !== undefined)('the signal journal on a shared Redis store', () => {
  let redis: RedisServer;
  let api: FakeApi;
  const dirs: string[] = [];

  beforeAll(async () => {
    [redis, api] = await Promise.all([startRedisServer(), startFakeApi()]);
    routeCrypto(api);
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), api.close(), ...dirs.map(removeDir)]);
  });

  async function machine(): Promise<CliRun> {
    const dir = await tempCacheDir();
    dirs.push(dir);
    return runCli(['crypto', '--json', '--store', redis.url], cryptoEnv(api, dir));
  }

  it('two processes at once write one record of the closed day; a later run adds nothing; no file store is used', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const runs = await Promise.all([machine(), machine()]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const record = await redis.command('GET', `qaht:journal:crypto:${yesterday}`);
    expect(parseArray(await redis.command('ZRANGE', 'qaht:journal:crypto:days', '0', '-1'))).toEqual([yesterday]);

    const third = await machine();
    expect(third.code, third.stderr).toBe(0);
    expect(await redis.command('GET', `qaht:journal:crypto:${yesterday}`)).toBe(record);
    expect(parseArray(await redis.command('ZRANGE', 'qaht:journal:crypto:days', '0', '-1'))).toEqual([yesterday]);
    for (const dir of dirs) expect(existsSync(join(dir, 'journal'))).toBe(false);
    expect(JSON.parse(third.stdout).evidence.basis).toBe('journal');
  });
});

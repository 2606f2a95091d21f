import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { cleanEnv, FAST_ENV, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/**
 * Demo data never meets real data: a `--demo` run against a shared Redis store writes only keys
 * with a `demo:` part, a real run on another machine (its own cache dir, the same store) never
 * serves the demo's recorded prices, and its `status` shows none of the demo's history. The file
 * store keeps the demo in its `demo/` folder (see status-command's tests).
 */
describe.skipIf(REDIS_SKIP_NOTE !== undefined)('--demo and a shared store', () => {
  let redis: RedisServer;
  const dirs: string[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), ...dirs.map(removeDir)]);
  });

  async function machine(): Promise<NodeJS.ProcessEnv> {
    const dir = await tempCacheDir();
    dirs.push(dir);
    return cleanEnv({ ...FAST_ENV, SCREEN_CACHE_DIR: dir, SCREEN_STORE_URL: redis.url });
  }

  it('a demo run writes only demo: keys; a real run never reads them, and its status shows no demo history', async () => {
    const demo = await runMain(['crypto', '--demo', '--json', '--limit', '3'], await machine());
    expect(demo.code, demo.stderr).toBe(0);
    const keys = (await redis.dump()).map((entry) => entry.key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^qaht:demo:/);

    const real = await machine();
    const offline = await runMain(['crypto', '--offline', '--json'], real);
    // Nothing real was ever cached: no results, never the demo's prices.
    expect(offline.code, offline.stderr).toBe(1);
    const doc = JSON.parse(offline.stdout) as { results: unknown[]; sources: Array<{ name: string; status: string }> };
    expect(doc.results).toEqual([]);
    expect(doc.sources.filter((source) => source.status !== 'skipped').map((source) => source.status)).toEqual(['failed', 'failed']);

    const status = await runMain(['status', '--json'], real);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as { sources: Array<{ name: string; lastSuccessAt: string | null }> };
    expect(report.sources.length).toBeGreaterThan(0);
    for (const source of report.sources) expect(source.lastSuccessAt, source.name).toBeNull();

    // The demo still finds its own data: a second demo run is served from the demo's keys.
    const again = await runMain(['crypto', '--demo', '--offline', '--json', '--limit', '3'], await machine());
    expect(again.code, again.stderr).toBe(0);
  });
});

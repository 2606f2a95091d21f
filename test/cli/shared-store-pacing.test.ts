import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coingeckoMarketsBody, syntheticCoins } from '../bench/synthetic-crypto.js';
import { startTokenBucketServer } from '../bench/token-bucket-server.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { cleanEnv, FAST_ENV, removeDir, runCli, tempCacheDir } from '../helpers/run-cli.js';

/**
 * CLI processes standing for machines, one Redis store, one host's rate limit: their combined
 * pace against a strict token bucket. Apart from shared-store.test.ts because it measures real
 * time between requests, so it runs in the serial project (test/vitest.config.ts).
 */
describe.skipIf(REDIS_SKIP_NOTE !== undefined)('processes sharing one Redis store and one rate limit', () => {
  let redis: RedisServer;
  const dirs: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), ...dirs.map(removeDir)]);
  });

  /** A fresh cache dir per process: what a separate machine would have. */
  async function machineDir(): Promise<string> {
    const dir = await tempCacheDir();
    dirs.push(dir);
    return dir;
  }

  it('4 processes paging CoinGecko at once against a strict token bucket stay within it together (at most two 429s)', async () => {
    // Paced at 150 ms (+4%) against a bucket of one token per 125 ms that holds two: the slack
    // absorbs a request the loaded test machine sends late (a slot is reserved before the
    // connection is made); alone, the four would send four times the bucket's rate.
    const coins = syntheticCoins(1500);
    const bucket = await startTokenBucketServer({
      ratePerS: 8,
      burst: 2,
      sendHeaders: false,
      clock: { now: () => Date.now(), sleep: async () => undefined },
      body: (url) => {
        const page = Number(url.searchParams.get('page') ?? '1');
        return coingeckoMarketsBody(coins.slice((page - 1) * 250, page * 250));
      },
    });
    try {
      // 3 + 4 + 5 + 6 pages, each process its own universe (its own cache key), one host.
      const started = Date.now();
      const runs = await Promise.all(
        [750, 1000, 1250, 1500].map(async (top) =>
          runCli(
            ['crypto', '--json', '--sources', 'coingecko', '--top', String(top), '--store', redis.url],
            cleanEnv({ ...FAST_ENV, SCREEN_PACE_MS: '150', SCREEN_CACHE_DIR: await machineDir(), SCREEN_COINGECKO_URL: bucket.url }),
          ),
        ),
      );
      const elapsedS = (Date.now() - started) / 1000;
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      expect(bucket.counts.ok).toBe(18);
      expect(bucket.counts.limited).toBeLessThanOrEqual(2);
      // Combined: the 18 pages took at least 16 bucket intervals (one more page rides the second
      // token), one schedule for all four.
      const arrivals = bucket.counts.okArrivals;
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(16 * 125);
      expect(elapsedS).toBeLessThan(20);
    } finally {
      await bucket.close();
    }
  });
});

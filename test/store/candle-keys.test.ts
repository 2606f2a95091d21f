import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/candle.js';
import { FileCandleStore } from '../../src/store/file/file-candle-store.js';
import type { CandleStore } from '../../src/store/history/candle-store.js';
import { RedisCandleStore } from '../../src/store/redis/redis-candle-store.js';
import { RedisConnection } from '../../src/store/redis/redis-connection.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { makeTempDir, removeDir } from './store-helpers.js';

const SERIES: CandleSeries = { interval: '1d', openTime: [0], open: [1], high: [1], low: [1], close: [1], quoteVolume: [1] };

/** `keys` names every stored series as `list` does, without reading them (what `screen eval --basis backfill` asks first). */
async function keysMatchList(store: CandleStore): Promise<void> {
  for (const key of [
    { source: 'binance', interval: '1d', asset: 'ETHUSDT' },
    { source: 'binance', interval: '1h', asset: 'BTCUSDT' },
    { source: 'binance', interval: '1d', asset: 'BTCUSDT' },
    { source: 'coingecko', interval: '1d', asset: 'hyper liquid' },
  ] as const) {
    await store.write(key, { series: { ...SERIES, interval: key.interval }, fetchedAt: 0 });
  }
  expect(await store.keys('binance')).toEqual((await store.list('binance')).map((listing) => listing.key));
  expect((await store.keys()).map((key) => key.asset).sort()).toEqual(['BTCUSDT', 'BTCUSDT', 'ETHUSDT', 'hyper liquid']);
  expect(await store.keys('massive')).toEqual([]);
}

describe('candle store keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('in the file store', async () => {
    await keysMatchList(new FileCandleStore(dir));
  });

  describe.skipIf(REDIS_SKIP_NOTE !== undefined)('in Redis', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      await redis.stop();
    });

    it('names the same series', async () => {
      const connection = await RedisConnection.open({
        location: { kind: 'redis', url: redis.url, safeUrl: redis.url, prefix: 'qaht:' },
        clock: new ManualClock(),
      });
      try {
        await keysMatchList(new RedisCandleStore(connection, new FileCandleStore(dir)));
      } finally {
        await connection.close();
      }
    });
  });
});

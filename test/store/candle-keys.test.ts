import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/candle.js';
import { FileCandleStore } from '../../src/store/file/file-candle-store.js';
import type { CandleStore } from '../../src/store/history/candle-store.js';
import { RedisCandleStore } from '../../src/store/redis/redis-candle-store.js';
import { REDIS_SKIP_NOTE } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';
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
    const redis = redisSuite();

    it('names the same series', async () => {
      await keysMatchList(new RedisCandleStore(await redis.connect(), new FileCandleStore(redis.dir)));
    });
  });
});

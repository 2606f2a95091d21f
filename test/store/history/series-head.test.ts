import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CandleSeries, INTERVAL_MS } from '../../../src/candle.js';
import { readSeriesView } from '../../../src/commands/history/series-views.js';
import { isSummary, SERIES_SIGNALS_VERSION, seriesSignals } from '../../../src/screens/signals/series-signals.js';
import { signalsDocument } from '../../../src/screens/signals/summary-document.js';
import { encodeEntry } from '../../../src/store/cache-entry.js';
import { FileCandleStore } from '../../../src/store/file/file-candle-store.js';
import { seriesDocument } from '../../../src/store/history/series-codec.js';
import type { CandleStore } from '../../../src/store/history/candle-store.js';
import { RedisCandleStore } from '../../../src/store/redis/redis-candle-store.js';
import { REDIS_SKIP_NOTE } from '../../helpers/redis-server.js';
import { redisSuite } from '../../helpers/redis-suite.js';
import { makeSeries, randomWalk } from '../../screens/signals/series.js';
import { makeTempDir, removeDir } from '../store-helpers.js';

/**
 * A series' head (count, last open time, the writer's summary) is kept in its entry's header and
 * read without the series; a run takes the summary where it holds and reads the series otherwise.
 */

const KEY = { source: 'binance', interval: '1d', asset: 'BTCUSDT' } as const;
const SERIES: CandleSeries = makeSeries({ ...randomWalk(250, 5), start: Date.UTC(2025, 0, 1) });
const CLOSED_BY = SERIES.openTime.at(-1)! + INTERVAL_MS['1d'];

async function headsAndViews(store: CandleStore): Promise<void> {
  expect(await store.readHead(KEY)).toBeUndefined();
  expect(await readSeriesView(store, KEY, CLOSED_BY)).toBeUndefined();

  // Written with its summary: the head says everything a run needs, the series is not read.
  await store.write(KEY, { series: SERIES, fetchedAt: 123 }, signalsDocument(SERIES));
  const head = await store.readHead(KEY);
  expect(head).toMatchObject({ fetchedAt: 123, count: 250, lastOpen: SERIES.openTime.at(-1) });
  expect(head?.stored).toBeUndefined();
  const view = await readSeriesView(store, KEY, CLOSED_BY);
  expect(view && isSummary(view) ? view.signals : undefined).toEqual(seriesSignals(SERIES));
  // A clock behind the last close (another machine's, or a test's): the series, cut as of then.
  const early = await readSeriesView(store, KEY, CLOSED_BY - 1);
  expect(early && !isSummary(early) ? early.openTime.length : undefined).toBe(250);

  // A summary of another signals version is recomputed: the run gets the series.
  await store.write(KEY, { series: SERIES, fetchedAt: 124 }, { ...signalsDocument(SERIES), v: SERIES_SIGNALS_VERSION - 1 });
  const stale = await readSeriesView(store, KEY, CLOSED_BY);
  expect(stale && !isSummary(stale) ? stale.close : undefined).toEqual(SERIES.close);

  // Written without a summary: the head has none, and the run reads the series.
  await store.write(KEY, { series: SERIES, fetchedAt: 125 });
  expect(await store.readHead(KEY)).toEqual({ fetchedAt: 125, count: 250, lastOpen: SERIES.openTime.at(-1), summary: undefined });
  const plain = await readSeriesView(store, KEY, CLOSED_BY);
  expect(plain && !isSummary(plain) ? plain.openTime : undefined).toEqual(SERIES.openTime);
}

describe('series heads', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('in the file store', async () => {
    await headsAndViews(new FileCandleStore(dir));
  });

  it('of an entry written before heads existed: the series is read to give one', async () => {
    const store = new FileCandleStore(dir);
    const entry = {
      key: 'history:binance/1d/BTCUSDT',
      source: 'binance',
      value: seriesDocument({ series: SERIES, fetchedAt: 7 }),
      ttlMs: 1,
      fetchedAt: 7,
    };
    await store.files.write(encodeEntry(entry, { checksum: 'words' }), 1);
    const head = await store.readHead(KEY);
    expect(head).toMatchObject({ fetchedAt: 7, count: 250, lastOpen: SERIES.openTime.at(-1), summary: undefined });
    expect(head?.stored?.series.close).toEqual(SERIES.close);
    const view = await readSeriesView(store, KEY, CLOSED_BY);
    expect(view && !isSummary(view) ? view.close : undefined).toEqual(SERIES.close);
  });

  it('are read from the head of the file: a damaged value leaves the head readable, and read() finds the damage', async () => {
    const store = new FileCandleStore(dir);
    await store.write(KEY, { series: SERIES, fetchedAt: 1 }, signalsDocument(SERIES));
    const file = store.files.fileFor('history:binance/1d/BTCUSDT');
    const bytes = await readFile(file);
    // One character of the value's base64 changed: the same length, a wrong checksum.
    const at = bytes.length - 20;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    await writeFile(file, bytes);
    expect((await store.readHead(KEY))?.count).toBe(250);
    expect(await store.read(KEY)).toBeUndefined();
  });

  describe.skipIf(REDIS_SKIP_NOTE !== undefined)('in Redis', () => {
    const redis = redisSuite();

    it('the same', async () => {
      await headsAndViews(new RedisCandleStore(await redis.connect(), new FileCandleStore(redis.dir)));
    });
  });
});

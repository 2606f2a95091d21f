import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QahtError } from '../../src/errors.js';
import { type CacheEntry, decodeHeader, type EncodedEntry, encodeEntry, type EntryHeader } from '../../src/store/cache-entry.js';
import type { CacheListing } from '../../src/store/cache-types.js';
import { type EntryBackend, type EntryLock, entryKind, RESPONSE_ENTRIES } from '../../src/store/entry-backend.js';
import { FallbackEntries } from '../../src/store/fallback-entries.js';
import { EntryFiles } from '../../src/store/file/entry-files.js';
import { RedisConnection } from '../../src/store/redis/redis-connection.js';
import { RedisEntries } from '../../src/store/redis/redis-entries.js';
import { ResponseCache } from '../../src/store/response-cache.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { removeDir, tempCacheDir } from '../helpers/run-cli.js';

const TTL_MS = 60_000;
const SERIES_KEY = 'binance:klines?symbol=BTCUSDT&interval=1d';
const RESPONSE_KEY = 'coingecko:/coins/markets?vs_currency=usd';

/** An in-memory backend that records which operations reached it, and can be taken down. */
class MemoryEntries implements EntryBackend {
  readonly entries = new Map<string, EncodedEntry<unknown>>();
  readonly calls: string[] = [];
  down = false;

  async read<T>(key: string): Promise<CacheEntry<T> | undefined> {
    this.#touch('read');
    return this.entries.get(key)?.entry as CacheEntry<T> | undefined;
  }
  async write(encoded: EncodedEntry<unknown>): Promise<void> {
    this.#touch('write');
    this.entries.set(encoded.entry.key, encoded);
  }
  async readHeader(key: string): Promise<EntryHeader | undefined> {
    this.#touch('readHeader');
    const stored = this.entries.get(key);
    const decoded = stored ? decodeHeader(stored.bytes, stored.bytes.length) : undefined;
    return decoded?.ok ? decoded.header : undefined;
  }
  async remove(key: string): Promise<boolean> {
    this.#touch('remove');
    return this.entries.delete(key);
  }
  async lock(): Promise<EntryLock> {
    this.#touch('lock');
    return { release: async () => undefined };
  }
  async list(): Promise<CacheListing[]> {
    this.#touch('list');
    return [...this.entries.values()].map(({ entry, bytes }) => ({ ...entry, sizeBytes: bytes.length, file: entry.key }));
  }
  async clear(): Promise<number> {
    this.#touch('clear');
    const size = this.entries.size;
    this.entries.clear();
    return size;
  }
  #touch(operation: string): void {
    if (this.down) throw new QahtError('QAHT_ERR_STORE_UNAVAILABLE', 'redis store unavailable: down');
    this.calls.push(operation);
  }
}

describe('the fallback decorator ("Redis down → file")', () => {
  it('uses the primary while it is up, and the fallback when it is known down or stops answering mid-operation', async () => {
    const primary = new MemoryEntries();
    const fallback = new MemoryEntries();
    let up = true;
    const cache = new ResponseCache({ backend: new FallbackEntries(primary, fallback, () => up), clock: new ManualClock() });
    const fetch = async () => ({ n: 1 });

    expect((await cache.lookup({ source: 'coingecko', key: RESPONSE_KEY, ttlMs: TTL_MS, fetch })).status).toBe('fresh');
    expect(primary.calls).toEqual(['read', 'lock', 'read', 'write']);
    expect(fallback.calls).toEqual([]);

    // Goes down during the next fill: the lock, the re-read and the write land in the file store.
    primary.down = true;
    expect((await cache.view('force-refresh').lookup({ source: 'coingecko', key: RESPONSE_KEY, ttlMs: TTL_MS, fetch })).status).toBe(
      'fresh',
    );
    expect(fallback.calls).toEqual(['lock', 'read', 'write']);

    // Known to be down: the primary is not even tried.
    up = false;
    primary.down = false;
    expect(await cache.clear()).toBe(1);
    expect(primary.calls).toEqual(['read', 'lock', 'read', 'write']);
  });

  it('passes any other error to the caller', async () => {
    const primary = new MemoryEntries();
    primary.list = () => Promise.reject(new Error('a bug, not an outage'));
    const decorated = new FallbackEntries(primary, new MemoryEntries(), () => true);
    await expect(decorated.list()).rejects.toThrow('a bug, not an outage');
  });
});

describe('an incremental fill', () => {
  it('is given the value it replaces, so it can fetch only what is missing', async () => {
    const cache = new ResponseCache({ backend: new MemoryEntries(), clock: new ManualClock() });
    const given: unknown[] = [];
    const extend = async (stored?: number[]) => {
      given.push(stored);
      return [...(stored ?? []), (stored?.length ?? 0) + 1];
    };
    const lookup = () => cache.view('force-refresh').lookup({ source: 'binance', key: SERIES_KEY, ttlMs: TTL_MS, fetch: extend });
    expect((await lookup()).value).toEqual([1]);
    expect((await lookup()).value).toEqual([1, 2]);
    expect(given).toEqual([undefined, [1]]);
  });
});

describe('entry kinds', () => {
  it('are named like folders, and never take the names the cache dir already uses', () => {
    expect(entryKind('candles')).toEqual({ fileDir: 'candles', redisEntries: 'candles:', redisLocks: 'lock:candles:' });
    for (const bad of ['http', 'lock', 'Candles', '', '../x', 'a b']) expect(() => entryKind(bad)).toThrow(RangeError);
  });

  it('keep a second kind in its own folder: reading, listing and clearing one kind never touches the other', async () => {
    const dir = await tempCacheDir();
    try {
      const clock = new ManualClock();
      const responses = new ResponseCache({ backend: new EntryFiles({ dir, clock }), clock });
      const candles = new EntryFiles({ dir, clock, kind: entryKind('candles') });
      const series = new ResponseCache({ backend: candles, clock });
      await responses.set({ source: 'coingecko', key: SERIES_KEY, value: { response: true }, ttlMs: TTL_MS });
      await series.set({ source: 'binance', key: SERIES_KEY, value: { closes: [1, 2, 3] }, ttlMs: TTL_MS });

      expect(candles.fileFor(SERIES_KEY)).toContain(`${dir}/candles/`);
      expect((await new EntryFiles({ dir, clock, kind: entryKind('candles') }).read(SERIES_KEY))?.value).toEqual({ closes: [1, 2, 3] });
      expect((await series.list()).map((listing) => listing.source)).toEqual(['binance']);
      expect(await series.clear()).toBe(1);
      expect((await responses.list()).map((listing) => listing.source)).toEqual(['coingecko']);
    } finally {
      await removeDir(dir);
    }
  });
});

describe.skipIf(REDIS_SKIP_NOTE !== undefined)('entry kinds in Redis', () => {
  let redis: RedisServer;
  let connection: RedisConnection;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    await redis.flush();
    const location = { kind: 'redis', url: redis.url, safeUrl: redis.url, prefix: 'qaht:' } as const;
    connection = await RedisConnection.open({ location, clock: new ManualClock() });
  });
  afterEach(async () => {
    await connection.close();
  });

  it('keep a second kind under keys of its own, listed and cleared apart from cached responses', async () => {
    const responses = new RedisEntries(connection, { kind: RESPONSE_ENTRIES });
    const candles = new RedisEntries(connection, { kind: entryKind('candles') });
    const encoded = (source: string, value: unknown) => encodeEntry({ key: SERIES_KEY, source, value, ttlMs: TTL_MS, fetchedAt: 0 });
    await responses.write(encoded('coingecko', { response: true }), TTL_MS);
    await candles.write(encoded('binance', { closes: [1, 2, 3] }), TTL_MS);

    expect((await candles.read(SERIES_KEY))?.value).toEqual({ closes: [1, 2, 3] });
    expect((await candles.list()).map((listing) => listing.file)).toEqual([expect.stringMatching(/^qaht:candles:[0-9a-f]+$/)]);
    const lock = await candles.lock(SERIES_KEY);
    expect((await redis.dump()).map((entry) => entry.key).filter((key) => key.includes('lock:'))).toEqual([
      expect.stringMatching(/^qaht:lock:candles:[0-9a-f]+$/),
    ]);
    await lock.release();
    expect(await candles.clear()).toBe(1);
    expect((await responses.read(SERIES_KEY))?.value).toEqual({ response: true });
  });
});

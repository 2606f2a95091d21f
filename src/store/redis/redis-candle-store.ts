/**
 * Candle history in Redis: one key per series (`<prefix>history:<source>:<interval>:<asset>`, the
 * file store's document as its value), and a fetch lock per series (`<prefix>history-lock:…`,
 * `SET NX PX` with a random token, released only by its holder), so a fleet fetches each series
 * once. `screen cache clear` scans `cache:` keys only and leaves these alone. Without Redis every
 * call answers from the file store.
 */
import { randomUUID } from 'node:crypto';
import type { CandleStore, SeriesListing, SeriesLock } from '../history/candle-store.js';
import { decodeSeries, encodeSeries, type StoredSeries } from '../history/series-codec.js';
import { assetFromSlug, assetSlug, isHistorySource, type HistorySource, type SeriesKey } from '../history/series-key.js';
import { listingOf } from '../history/series-listing.js';
import { orFallback } from './redis-budgets.js';
import type { RedisConnection } from './redis-connection.js';
import { RELEASE_LOCK } from './redis-scripts.js';

/** Keys asked for per SCAN step. */
const SCAN_COUNT = 500;

export class RedisCandleStore implements CandleStore {
  readonly label: string;
  readonly #connection: RedisConnection;
  readonly #fallback: CandleStore;

  constructor(connection: RedisConnection, fallback: CandleStore) {
    this.#connection = connection;
    this.#fallback = fallback;
    this.label = connection.location.safeUrl;
  }

  read(key: SeriesKey): Promise<StoredSeries | undefined> {
    return orFallback(
      this.#connection,
      async () => {
        const reply = await this.#connection.command(['GET', this.#key(key)]);
        return Buffer.isBuffer(reply) ? decodeSeries(reply.toString('utf8'), key.interval) : undefined;
      },
      () => this.#fallback.read(key),
    );
  }

  write(key: SeriesKey, stored: StoredSeries): Promise<void> {
    return orFallback(
      this.#connection,
      async () => {
        await this.#connection.command(['SET', this.#key(key), encodeSeries(stored)]);
      },
      () => this.#fallback.write(key, stored),
    );
  }

  lock(key: SeriesKey, ttlMs: number): Promise<SeriesLock | undefined> {
    return orFallback(
      this.#connection,
      async () => {
        const lockKey = this.#connection.key(`history-lock:${key.source}:${key.interval}:${assetSlug(key.asset)}`);
        const token = randomUUID();
        const taken = await this.#connection.command(['SET', lockKey, token, 'NX', 'PX', Math.max(1, Math.ceil(ttlMs))]);
        if (taken === null) return undefined;
        let released = false;
        return {
          release: async () => {
            if (released) return;
            released = true;
            await this.#connection.eval(RELEASE_LOCK, [lockKey], [token]).catch(() => undefined);
          },
        };
      },
      () => this.#fallback.lock(key, ttlMs),
    );
  }

  list(source?: HistorySource): Promise<SeriesListing[]> {
    return orFallback(
      this.#connection,
      async () => {
        const listings: SeriesListing[] = [];
        for (const redisKey of await this.#scan(source)) {
          const key = this.#parse(redisKey);
          if (!key) continue;
          const reply = await this.#connection.command(['GET', redisKey]);
          const stored = Buffer.isBuffer(reply) ? decodeSeries(reply.toString('utf8'), key.interval) : undefined;
          if (stored) listings.push(listingOf(key, stored));
        }
        return listings.sort((a, b) => name(a.key).localeCompare(name(b.key)));
      },
      () => this.#fallback.list(source),
    );
  }

  keys(source?: HistorySource): Promise<SeriesKey[]> {
    return orFallback(
      this.#connection,
      async () =>
        (await this.#scan(source))
          .map((redisKey) => this.#parse(redisKey))
          .filter((key): key is SeriesKey => key !== undefined)
          .sort((a, b) => name(a).localeCompare(name(b))),
      () => this.#fallback.keys(source),
    );
  }

  clear(source?: HistorySource): Promise<number> {
    return orFallback(
      this.#connection,
      async () => {
        let removed = 0;
        for (const redisKey of await this.#scan(source)) removed += Number(await this.#connection.command(['DEL', redisKey])) || 0;
        return removed;
      },
      () => this.#fallback.clear(source),
    );
  }

  async #scan(source?: HistorySource): Promise<string[]> {
    const match = `${this.#connection.key(`history:${source ? `${source}:` : ''}`)}*`;
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const reply = await this.#connection.command(['SCAN', cursor, 'MATCH', match, 'COUNT', SCAN_COUNT]);
      if (!Array.isArray(reply) || reply.length < 2) break;
      cursor = String(reply[0]);
      const found = reply[1];
      if (Array.isArray(found)) for (const item of found) if (Buffer.isBuffer(item)) keys.add(item.toString('utf8'));
    } while (cursor !== '0');
    return [...keys].sort();
  }

  #key(key: SeriesKey): string {
    return this.#connection.key(`history:${key.source}:${key.interval}:${assetSlug(key.asset)}`);
  }

  #parse(redisKey: string): SeriesKey | undefined {
    const prefix = this.#connection.key('history:');
    if (!redisKey.startsWith(prefix)) return undefined;
    const [source, interval, slug] = redisKey.slice(prefix.length).split(':');
    if (!source || !isHistorySource(source) || (interval !== '1d' && interval !== '1h') || !slug) return undefined;
    return { source, interval, asset: assetFromSlug(slug) };
  }
}

function name(key: SeriesKey): string {
  return `${key.source}/${key.interval}/${key.asset}`;
}

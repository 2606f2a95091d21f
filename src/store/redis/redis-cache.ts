/**
 * The shared store's response cache: the response cache (response-cache.ts) over the Redis entry
 * backend (redis-entries.ts), with the file store's entry files behind it (fallback-entries.ts):
 * while Redis is down, or once it goes down, entries are read from and written to the cache dir,
 * as a single machine keeps them. Entries are stamped and judged on the fleet's clock.
 */
import type { CacheMonitor } from '../cache-types.js';
import { FallbackEntries } from '../fallback-entries.js';
import type { DiskCache } from '../file/disk-cache.js';
import { ResponseCache } from '../response-cache.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisEntries } from './redis-entries.js';

export interface RedisCacheOptions {
  connection: RedisConnection;
  /** The file store's cache, whose entry files serve while Redis is down. */
  fallback: DiskCache;
  monitor?: CacheMonitor;
  /** Secret values scrubbed from keys and stored values, as a last line of defence. */
  secrets?: readonly string[];
  /** A fill lock outlives a killed holder by at most this long, ms; a live holder renews it. @default 10_000 */
  lockTtlMs?: number;
  /** How long a lookup waits for another process's fill of the same key before fetching anyway, ms. @default 60_000 */
  lockWaitMs?: number;
  /** Entries kept in memory. @default 500 */
  memoryMaxEntries?: number;
}

/** The shared response cache; see the file header. */
export class RedisCache extends ResponseCache {
  constructor(options: RedisCacheOptions) {
    const { connection, monitor } = options;
    const entries = new RedisEntries(connection, {
      ...(monitor ? { monitor } : {}),
      ...(options.lockTtlMs !== undefined ? { lockTtlMs: options.lockTtlMs } : {}),
      ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
    });
    super({
      backend: new FallbackEntries(entries, options.fallback.files, () => connection.up),
      clock: connection.clock,
      ...(monitor ? { monitor } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.memoryMaxEntries !== undefined ? { memoryMaxEntries: options.memoryMaxEntries } : {}),
    });
  }
}

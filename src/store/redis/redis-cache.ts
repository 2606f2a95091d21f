/**
 * Cached responses in Redis, shared by every process of the fleet: one entry per key
 * (`<prefix>cache:<sha256(key)>`, the file store's checksummed entry bytes), with a memory tier
 * for the run, and the same serving rules as the disk cache (cache-policy.ts).
 *
 * A refresh fills the entry under a lock (`<prefix>lock:<sha256(key)>`, `SET NX PX` with a random
 * token): the holder re-reads the entry, fetches, writes, and deletes the lock only while it still
 * holds its token; it renews the lock while it works, so a live holder keeps it and a killed one
 * blocks the others for at most `lockTtlMs`. The others poll: when the lock is gone they take it,
 * re-read, and find the entry the holder wrote (`cached`, no upstream request). So one upstream
 * fetch per key serves every process.
 *
 * Entries are kept (Redis TTL) for the lookup's `maxStaleMs` (at least its TTL, at most
 * `ENTRY_KEEP_MAX_MS`), so nothing grows without bound. While Redis is down, or once it goes down,
 * lookups are the file store's (`fallback`), and a value fetched when Redis stopped answering is
 * written there instead.
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { QahtError } from '../../errors.js';
import { redactSecrets } from '../../redact.js';
import { decodeEntry, decodeHeader, ENTRY_MAX_BYTES, type CacheEntry, type EncodedEntry } from '../cache-entry.js';
import { hashKey } from '../cache-key.js';
import {
  entryForValue,
  fillEntry,
  isFresh,
  lookupCounter,
  type RefreshOutcome,
  serveEntry,
  serveOutcome,
  serveWithoutFetch,
  usableEntry,
} from '../cache-policy.js';
import type { CacheListing, CacheLookup, CacheMode, CacheMonitor, CacheView, LookupOptions, ValueCheck } from '../cache-types.js';
import type { DiskCache } from '../file/disk-cache.js';
import type { ResponseCachePort } from '../store-ports.js';
import { isStoreUnavailable, type RedisConnection } from './redis-connection.js';
import { DROP_LOCK_WITHOUT_TTL, RELEASE_LOCK, RENEW_LOCK } from './redis-scripts.js';

/** Longest an entry is kept when its lookup allows stale data of any age. */
export const ENTRY_KEEP_MAX_MS = 30 * 24 * 3600_000;
/** Enough of an entry to hold its header (see file/disk-cache.ts); a longer one is read whole. */
const HEADER_PREFIX_BYTES = 16 * 1024;
/** How often a process waiting for another's fill looks again, in ms. */
const LOCK_POLL_MS = 25;
/** Keys asked for per SCAN step when listing. */
const SCAN_COUNT = 200;

export interface RedisCacheOptions {
  connection: RedisConnection;
  /** The file store's cache, which serves while Redis is down. */
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

/** The file store's outcomes, or the store went down before anything was fetched. */
type RedisRefreshOutcome<T> = RefreshOutcome<T> | { kind: 'unavailable' };

interface FillLock {
  release(): Promise<void>;
}

/** The shared response cache; see the file header. */
export class RedisCache implements ResponseCachePort {
  readonly #connection: RedisConnection;
  readonly #fallback: DiskCache;
  readonly #monitor: CacheMonitor | undefined;
  readonly #secrets: readonly string[];
  readonly #lockTtlMs: number;
  readonly #lockWaitMs: number;
  readonly #memory: LRUCache<string, CacheEntry>;
  readonly #validated = new WeakMap<CacheEntry, ValueCheck<unknown>>();
  readonly #inFlight = new Map<string, Promise<RedisRefreshOutcome<unknown>>>();

  constructor(options: RedisCacheOptions) {
    this.#connection = options.connection;
    this.#fallback = options.fallback;
    this.#monitor = options.monitor;
    this.#secrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
    this.#lockTtlMs = Math.max(100, options.lockTtlMs ?? 10_000);
    this.#lockWaitMs = options.lockWaitMs ?? 60_000;
    this.#memory = new LRUCache({ max: Math.max(1, options.memoryMaxEntries ?? 500) });
  }

  view(mode: CacheMode): CacheView {
    const fallback = this.#fallback.view(mode);
    return {
      mode,
      lookup: async <T>(options: LookupOptions<T>): Promise<CacheLookup<T>> => {
        if (!this.#connection.up) return fallback.lookup(options);
        const served = await this.#lookup(options, mode);
        return served ?? fallback.lookup(options);
      },
    };
  }

  /** Every usable entry in Redis (only each entry's header is read), sorted by key; `file` is its Redis key. */
  async list(): Promise<CacheListing[]> {
    const listings: CacheListing[] = [];
    const now = this.#connection.clock.now();
    for (const redisKey of await this.#entryKeys()) {
      const header = await this.#readHeader(redisKey);
      if (!header) continue;
      listings.push({ ...header, fetchedAt: Math.min(header.fetchedAt, now), file: redisKey });
    }
    return listings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Removes every entry in Redis, or only `source`'s; resolves how many. */
  async clear(source?: string): Promise<number> {
    let removed = 0;
    for (const redisKey of await this.#entryKeys()) {
      if (source !== undefined && (await this.#readHeader(redisKey))?.source !== source) continue;
      removed += Number(await this.#connection.command(['UNLINK', redisKey]));
    }
    if (source === undefined) this.#memory.clear();
    else for (const [key, entry] of this.#memory.entries()) if (entry.source === source) this.#memory.delete(key);
    return removed;
  }

  /** Serves `options` from Redis; undefined when the store went down before anything was fetched. */
  async #lookup<T>(options: LookupOptions<T>, mode: CacheMode): Promise<CacheLookup<T> | undefined> {
    const { source, ttlMs, maxStaleMs = Infinity, fetch, probe = false, validate } = options;
    const forceRefresh = mode === 'force-refresh';
    const key = this.#cleanKey(options.key);
    const startedAt = this.#now();
    let seen: CacheEntry<T> | undefined;
    try {
      seen = this.#usable((this.#memory.get(key) as CacheEntry<T> | undefined) ?? (await this.#read<T>(key)), validate);
    } catch (error) {
      if (isStoreUnavailable(error)) return undefined;
      throw error;
    }
    const policy = { ttlMs, maxStaleMs, forceRefresh };
    if (seen && !forceRefresh && isFresh(seen, ttlMs, startedAt)) return this.#report(probe, serveEntry('cached', seen, this.#now()));
    if (mode === 'offline' || !fetch) return this.#report(probe, serveWithoutFetch(seen, key, mode, policy, this.#now()));
    let flight = this.#inFlight.get(key) as Promise<RedisRefreshOutcome<T>> | undefined;
    if (!flight) {
      const keepMs = Math.min(ENTRY_KEEP_MAX_MS, Math.max(ttlMs, Number.isFinite(maxStaleMs) ? maxStaleMs : ENTRY_KEEP_MAX_MS));
      flight = this.#refresh({ key, source, ttlMs, keepMs, forceRefresh, startedAt, seen, fetch, validate }).finally(() =>
        this.#inFlight.delete(key),
      );
      this.#inFlight.set(key, flight);
    }
    const outcome = await flight;
    return outcome.kind === 'unavailable' ? undefined : this.#report(probe, serveOutcome(outcome, seen, policy, this.#now()));
  }

  async #refresh<T>(request: {
    key: string;
    source: string;
    ttlMs: number;
    keepMs: number;
    forceRefresh: boolean;
    startedAt: number;
    seen: CacheEntry<T> | undefined;
    fetch: () => Promise<T>;
    validate: ValueCheck<T> | undefined;
  }): Promise<RedisRefreshOutcome<T>> {
    const { key, source, ttlMs, validate } = request;
    let lock: FillLock | undefined;
    let current: CacheEntry<T> | undefined;
    try {
      lock = await this.#acquire(key);
      // Another process may have filled the entry while we waited for the lock.
      current = this.#usable(await this.#read<T>(key), validate, false);
    } catch (error) {
      await lock?.release();
      if (isStoreUnavailable(error)) return { kind: 'unavailable' };
      throw error;
    }
    try {
      return await fillEntry({
        ...request,
        current,
        nowMs: this.#now(),
        encode: (value) => {
          const encoded = entryForValue(value, { key, source, ttlMs, fetchedAt: this.#now() }, validate, this.#secrets);
          if (validate && !(encoded instanceof QahtError)) this.#validated.set(encoded.entry, validate);
          return encoded;
        },
        store: (encoded) => this.#store(encoded, request.keepMs),
      });
    } finally {
      await lock?.release();
    }
  }

  /**
   * Takes the key's fill lock, waiting while another process holds it; undefined after
   * `lockWaitMs` (fetching anyway beats serving nothing). @throws when the store goes down.
   */
  async #acquire(key: string): Promise<FillLock | undefined> {
    const lockKey = this.#connection.key(`lock:${hashKey(key)}`);
    const token = randomUUID();
    const clock = this.#connection.clock;
    const deadline = clock.now() + this.#lockWaitMs;
    for (;;) {
      const taken = await this.#connection.command(['SET', lockKey, token, 'NX', 'PX', this.#lockTtlMs]);
      if (taken !== null) return this.#held(lockKey, token);
      // Every holder sets a TTL: a lock without one is damaged and would block every fill for ever.
      if ((await this.#connection.eval(DROP_LOCK_WITHOUT_TTL, [lockKey], [])) === 1) {
        this.#connection.reportDamage(`a fill lock without a TTL (${lockKey.slice(this.#connection.location.prefix.length)}) was removed`);
        continue;
      }
      if (clock.now() >= deadline) {
        this.#count('cache.lock_error');
        return undefined;
      }
      await clock.sleep(LOCK_POLL_MS);
    }
  }

  /** A lock this process holds: renewed every third of its TTL until released. */
  #held(lockKey: string, token: string): FillLock {
    const renew = setInterval(
      () => void this.#connection.eval(RENEW_LOCK, [lockKey], [token, this.#lockTtlMs]).catch(() => undefined),
      Math.max(50, Math.floor(this.#lockTtlMs / 3)),
    );
    // A holder's renewals must not keep a finished run alive.
    renew.unref();
    return {
      release: async () => {
        clearInterval(renew);
        await this.#connection.eval(RELEASE_LOCK, [lockKey], [token]).catch(() => undefined);
      },
    };
  }

  /** Keeps a fetched entry for the run, in Redis for everyone, or in the file store when Redis stopped answering. */
  async #store(encoded: EncodedEntry<unknown>, keepMs: number): Promise<void> {
    const { entry, bytes } = encoded;
    this.#memory.set(entry.key, entry);
    if (bytes.length > ENTRY_MAX_BYTES) {
      this.#count('cache.write_error');
      return;
    }
    try {
      await this.#connection.command(['SET', this.#entryKey(entry.key), bytes, 'PX', Math.ceil(keepMs)]);
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      await this.#fallback
        .set({ source: entry.source, key: entry.key, value: entry.value, ttlMs: entry.ttlMs, fetchedAt: entry.fetchedAt })
        .catch(() => this.#count('cache.write_error'));
    }
  }

  /** The entry in Redis (the memory tier is updated); a damaged one is a miss and is removed. */
  async #read<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const redisKey = this.#entryKey(key);
    const reply = await this.#connection.command(['GET', redisKey]);
    if (!Buffer.isBuffer(reply)) {
      this.#memory.delete(key);
      return undefined;
    }
    const decoded = reply.length <= ENTRY_MAX_BYTES ? decodeEntry<T>(reply, key) : undefined;
    if (decoded?.ok) {
      this.#memory.set(key, decoded.entry);
      return decoded.entry;
    }
    this.#count('cache.corrupt');
    this.#memory.delete(key);
    await this.#connection.command(['UNLINK', redisKey]);
    return undefined;
  }

  async #readHeader(redisKey: string): Promise<Omit<CacheListing, 'file'> | undefined> {
    const size = Number(await this.#connection.command(['STRLEN', redisKey]));
    if (!(size > 0)) return undefined;
    let prefix = await this.#connection.command(['GETRANGE', redisKey, 0, HEADER_PREFIX_BYTES - 1]);
    let decoded = Buffer.isBuffer(prefix) ? decodeHeader(prefix, size) : undefined;
    if (decoded?.ok === false && decoded.reason === 'truncated' && size > HEADER_PREFIX_BYTES && size <= ENTRY_MAX_BYTES) {
      prefix = await this.#connection.command(['GET', redisKey]);
      decoded = Buffer.isBuffer(prefix) ? decodeHeader(prefix, size) : undefined;
    }
    if (!decoded?.ok) return undefined;
    const { key, source, fetchedAt, ttlMs } = decoded.header;
    return { key, source, fetchedAt, ttlMs, sizeBytes: size };
  }

  async #entryKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const reply = await this.#connection.command(['SCAN', cursor, 'MATCH', `${this.#connection.key('cache:')}*`, 'COUNT', SCAN_COUNT]);
      const [next, batch] = Array.isArray(reply) ? reply : [];
      cursor = String(next ?? '0');
      if (Array.isArray(batch)) for (const item of batch) keys.push(String(item));
    } while (cursor !== '0');
    return [...new Set(keys)];
  }

  /** The entry when its value passes `validate` (checked once per entry); otherwise a miss, counted `cache.invalid`. */
  #usable<T>(entry: CacheEntry<T> | undefined, validate: ValueCheck<T> | undefined, count = true): CacheEntry<T> | undefined {
    return usableEntry(entry, validate, this.#validated, (invalid) => {
      if (count) this.#count('cache.invalid');
      this.#memory.delete(invalid.key);
    });
  }

  #report<T>(probe: boolean, result: CacheLookup<T>): CacheLookup<T> {
    if (!probe || result.status === 'cached') this.#count(lookupCounter(result.status));
    return result;
  }

  #count(name: string): void {
    this.#monitor?.increment(name, 1);
  }

  #now(): number {
    return this.#connection.clock.now();
  }

  #entryKey(key: string): string {
    return this.#connection.key(`cache:${hashKey(key)}`);
  }

  #cleanKey(key: string): string {
    return this.#secrets.length > 0 ? redactSecrets(key, this.#secrets) : key;
  }
}

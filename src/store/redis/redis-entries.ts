/**
 * The Redis entry backend, shared by every process of the fleet: one key per entry
 * (`<prefix>cache:<hash>` for cached responses; the file store's checksummed entry bytes), kept
 * (Redis TTL) as long as the writer asks, so nothing grows without bound.
 *
 * The fill lock is `<prefix>lock:<hash>`, `SET NX PX` with a token unique to its holder: the holder
 * deletes it only while it still holds its token, and renews it while it works, so a live holder
 * keeps it and a killed one blocks the others for at most `lockTtlMs`. The others poll: when the
 * lock is gone they take it, re-read, and find the entry the holder wrote. So one upstream fetch
 * per key serves every process.
 *
 * A named kind's entries (entry-backend.ts `NamedEntries`) are `<prefix><kind>:<folder>:<name>`,
 * their bytes as base64, with the folder's names in a sorted set beside them; one script writes
 * an entry and its name, so a reader never sees a name without its entry.
 */
import { randomUUID } from 'node:crypto';
import { QahtError } from '../../errors.js';
import { decodeEntry, decodeHeader, ENTRY_MAX_BYTES, type CacheEntry, type EncodedEntry, type EntryHeader } from '../cache-entry.js';
import { hashKey } from '../cache-key.js';
import type { CacheListing, CacheMonitor } from '../cache-types.js';
import { type EntryKind, type EntryLock, namedKey, RESPONSE_ENTRIES, type WriteOnceBackend } from '../entry-backend.js';
import type { RedisConnection } from './redis-connection.js';
import { DROP_LOCK_WITHOUT_TTL, RELEASE_LOCK, RENEW_LOCK, WRITE_NAMED } from './redis-scripts.js';

/** Enough of an entry to hold its header (as the file backend reads it); a longer one is read whole. */
const HEADER_PREFIX_BYTES = 16 * 1024;
/** What `readHeader` asks for first: a header with its note fits (a run reads hundreds of these). */
const NOTE_PREFIX_BYTES = 4 * 1024;
/** How often a process waiting for another's fill looks again, in ms. */
const LOCK_POLL_MS = 25;
/** Keys asked for per SCAN step when listing. */
const SCAN_COUNT = 200;

export interface RedisEntriesOptions {
  /** @default RESPONSE_ENTRIES (`cache:` and `lock:` keys) */
  kind?: EntryKind;
  /** Receives `cache.corrupt` for every damaged entry removed. */
  monitor?: CacheMonitor;
  /** A fill lock outlives a killed holder by at most this long, ms; a live holder renews it. @default 10_000 */
  lockTtlMs?: number;
  /** How long a fill waits for another process's fill of the same key, ms. @default 60_000 */
  lockWaitMs?: number;
}

/** Entries as Redis keys; see the file header. */
export class RedisEntries implements WriteOnceBackend {
  readonly #connection: RedisConnection;
  readonly #kind: EntryKind;
  readonly #monitor: CacheMonitor | undefined;
  readonly #lockTtlMs: number;
  readonly #lockWaitMs: number;

  constructor(connection: RedisConnection, options: RedisEntriesOptions = {}) {
    this.#connection = connection;
    this.#kind = options.kind ?? RESPONSE_ENTRIES;
    this.#monitor = options.monitor;
    this.#lockTtlMs = Math.max(100, options.lockTtlMs ?? 10_000);
    this.#lockWaitMs = options.lockWaitMs ?? 60_000;
  }

  /** A damaged entry is a miss and is removed. */
  async read<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const redisKey = this.#entryKey(key);
    const reply = await this.#connection.command(['GET', redisKey]);
    if (!Buffer.isBuffer(reply)) return undefined;
    if (this.#kind.named) {
      const bytes = Buffer.from(reply.toString('latin1'), 'base64');
      return (this.#kind.named.decode(bytes, key) as CacheEntry<T> | undefined) ?? undefined;
    }
    const decoded = reply.length <= ENTRY_MAX_BYTES ? decodeEntry<T>(reply, key) : undefined;
    if (decoded?.ok) return decoded.entry;
    this.#monitor?.increment('cache.corrupt', 1);
    await this.#connection.command(['UNLINK', redisKey]);
    return undefined;
  }

  /** STRLEN and GETRANGE of the head: the value is not sent. */
  async readHeader(key: string): Promise<EntryHeader | undefined> {
    this.#headersKept('readHeader');
    const head = await this.#readHead(this.#entryKey(key), NOTE_PREFIX_BYTES);
    return head?.header.key === key ? head.header : undefined;
  }

  async write(encoded: EncodedEntry<unknown>, keepMs: number): Promise<void> {
    const { entry, bytes } = encoded;
    if (bytes.length > ENTRY_MAX_BYTES) throw new QahtError('QAHT_ERR_CACHE_DIR', `cache entry for ${entry.key} is over the entry cap`);
    if (this.#kind.named) await this.#writeNamed(encoded, keepMs, false);
    else await this.#connection.command(['SET', this.#entryKey(entry.key), bytes, 'PX', Math.ceil(keepMs)]);
  }

  /** `SET NX`: of every process sharing the store, exactly one stores the entry. */
  async writeOnce(encoded: EncodedEntry<unknown>, keepMs: number): Promise<boolean> {
    if (this.#kind.named) return this.#writeNamed(encoded, keepMs, true);
    return (
      (await this.#connection.command(['SET', this.#entryKey(encoded.entry.key), encoded.bytes, 'NX', 'PX', Math.ceil(keepMs)])) !== null
    );
  }

  async exists(key: string): Promise<boolean> {
    return Number(await this.#connection.command(['EXISTS', this.#entryKey(key)])) === 1;
  }

  async names(folder: string, fromRank?: number): Promise<string[]> {
    const named = this.#kind.named;
    if (!named) throw new TypeError(`${this.#kind.redisEntries} holds no named entries`);
    const from = fromRank !== undefined && Number.isFinite(fromRank) ? String(fromRank) : '-inf';
    const reply = await this.#connection.command(['ZRANGEBYSCORE', this.#indexKey(namedKey(`${folder}/x`).folder), from, '+inf']);
    return (Array.isArray(reply) ? reply : []).map(String).filter((name) => Number.isFinite(named.rank(name)));
  }

  async remove(key: string): Promise<boolean> {
    return Number(await this.#connection.command(['UNLINK', this.#entryKey(key)])) > 0;
  }

  /** @throws QahtError `QAHT_ERR_LOCK_TIMEOUT` past `lockWaitMs`, `QAHT_ERR_STORE_UNAVAILABLE` when Redis goes down */
  async lock(key: string): Promise<EntryLock> {
    const lockKey = this.#connection.key(`${this.#kind.redisLocks}${hashKey(key)}`);
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
        throw new QahtError('QAHT_ERR_LOCK_TIMEOUT', `timed out after ${this.#lockWaitMs} ms waiting for the fill lock of ${key}`);
      }
      await clock.sleep(LOCK_POLL_MS);
    }
  }

  /** Only each entry's header is read; `file` is its Redis key. */
  async list(): Promise<CacheListing[]> {
    this.#headersKept('list');
    const listings: CacheListing[] = [];
    for (const redisKey of await this.#entryKeys()) {
      const header = await this.#readHeader(redisKey);
      if (header) listings.push({ ...header, file: redisKey });
    }
    return listings;
  }

  async clear(source?: string): Promise<number> {
    this.#headersKept('clear');
    let removed = 0;
    for (const redisKey of await this.#entryKeys()) {
      if (source !== undefined && (await this.#readHeader(redisKey))?.source !== source) continue;
      removed += Number(await this.#connection.command(['UNLINK', redisKey]));
    }
    return removed;
  }

  /** A lock this process holds: renewed every third of its TTL until released. */
  #held(lockKey: string, token: string): EntryLock {
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

  async #readHeader(redisKey: string): Promise<Omit<CacheListing, 'file'> | undefined> {
    const head = await this.#readHead(redisKey);
    if (!head) return undefined;
    const { key, source, fetchedAt, ttlMs } = head.header;
    return { key, source, fetchedAt, ttlMs, sizeBytes: head.size };
  }

  async #readHead(redisKey: string, prefixBytes = HEADER_PREFIX_BYTES): Promise<{ header: EntryHeader; size: number } | undefined> {
    // Both asked at once: the connection pipelines them into one round trip (a run reads hundreds).
    const [length, first] = await Promise.all([
      this.#connection.command(['STRLEN', redisKey]),
      this.#connection.command(['GETRANGE', redisKey, 0, prefixBytes - 1]),
    ]);
    const size = Number(length);
    if (!(size > 0)) return undefined;
    let prefix = first;
    let decoded = Buffer.isBuffer(prefix) ? decodeHeader(prefix, size) : undefined;
    if (decoded?.ok === false && decoded.reason === 'truncated' && size > prefixBytes && size <= ENTRY_MAX_BYTES) {
      prefix = await this.#connection.command(['GET', redisKey]);
      decoded = Buffer.isBuffer(prefix) ? decodeHeader(prefix, size) : undefined;
    }
    return decoded?.ok ? { header: decoded.header, size } : undefined;
  }

  async #entryKeys(): Promise<string[]> {
    const keys: string[] = [];
    const pattern = `${this.#connection.key(this.#kind.redisEntries)}*`;
    let cursor = '0';
    do {
      const reply = await this.#connection.command(['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT]);
      const [next, batch] = Array.isArray(reply) ? reply : [];
      cursor = String(next ?? '0');
      if (Array.isArray(batch)) for (const item of batch) keys.push(String(item));
    } while (cursor !== '0');
    return [...new Set(keys)];
  }

  async #writeNamed(encoded: EncodedEntry<unknown>, keepMs: number, once: boolean): Promise<boolean> {
    const named = this.#kind.named!;
    const { folder, name } = namedKey(encoded.entry.key);
    const rank = named.rank(name);
    if (!Number.isFinite(rank)) throw new TypeError(`bad entry name ${JSON.stringify(encoded.entry.key)}`);
    const reply = await this.#connection.eval(
      WRITE_NAMED,
      [this.#entryKey(encoded.entry.key), this.#indexKey(folder)],
      [encoded.bytes.toString('base64'), Math.ceil(keepMs), rank, name, rank - named.keepRanks, once ? 'NX' : ''],
    );
    return reply === 1;
  }

  /** `list`, `clear` and `readHeader` read cache-entry headers, which a named kind's entries do not have (and `clear` would take its names' sets). */
  #headersKept(operation: string): void {
    if (this.#kind.named) throw new TypeError(`${operation} of ${this.#kind.redisEntries}: a named kind is listed with names()`);
  }

  #indexKey(folder: string): string {
    return this.#connection.key(`${this.#kind.redisEntries}${folder}:${this.#kind.named!.index}`);
  }

  #entryKey(key: string): string {
    if (this.#kind.named) {
      const { folder, name } = namedKey(key);
      return this.#connection.key(`${this.#kind.redisEntries}${folder}:${name}`);
    }
    return this.#connection.key(`${this.#kind.redisEntries}${hashKey(key)}`);
  }
}

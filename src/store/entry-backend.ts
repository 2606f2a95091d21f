/**
 * The entry-backend port: where one kind of entry is kept, one encoded entry (cache-entry.ts:
 * schema, key, source, fetchedAt, ttlMs, checksum, value) per key. The response cache
 * (response-cache.ts) drives it: the memory tier, single-flight, the fill under the lock and the
 * serving rules live there once, and a backend only stores. Two backends implement it,
 * `file/entry-files.ts` (one file per entry under the cache dir) and `redis/redis-entries.ts` (one
 * key per entry, shared by a fleet), and `fallback-entries.ts` puts the file backend behind the
 * Redis one for when Redis stops answering.
 *
 * A kind of entry other than a cached response (a candle series, a journal day) is a kind of its
 * own: `entryKind(name)` gives it its own folder and its own keys, so listing or clearing one kind
 * never touches another. A kind whose entries people open by name, in a format of its own (the
 * journal's gzipped days), is a named kind (`NamedEntries`); `WriteOnceBackend` adds what such a
 * kind needs: a write that only the first writer makes, and a folder's names in order.
 */
import type { CacheEntry, EncodedEntry, EntryHeader } from './cache-entry.js';
import type { CacheListing } from './cache-types.js';

/** A fill lock held by this process. */
export interface EntryLock {
  /** Gives the lock up; never throws. */
  release(): Promise<void>;
}

/** Where the entries of one kind live in each backend. */
export interface EntryKind {
  /** Subfolder of the cache dir holding the kind's entry files and their locks. */
  readonly fileDir: string;
  /** Prefix (after the store's own prefix) of the kind's Redis entry keys. */
  readonly redisEntries: string;
  /** Prefix (after the store's own prefix) of the kind's Redis fill locks. */
  readonly redisLocks: string;
  /** Set for a named kind; unset, entries are cache-entry documents named by the key's hash. */
  readonly named?: NamedEntries;
}

/**
 * Entries kept under readable names in the kind's own format. A key is `<folder>/<name>` (each
 * lower-case letters, digits and `-`): the file `<kind dir>/<folder>/<name><suffix>` holds the
 * entry's bytes as they are, the Redis key `<prefix><kind>:<folder>:<name>` holds them as base64
 * (a script's arguments are text), and Redis keeps each folder's names in the sorted set
 * `<prefix><kind>:<folder>:<index>`, so a folder is listed without scanning the key space.
 * `list`, `clear` and `readHeader` read cache-entry headers, so they refuse a named kind (a
 * TypeError); `names` lists it.
 */
export interface NamedEntries {
  /** File name suffix, e.g. `.json.gz`. */
  readonly suffix: string;
  /** Last part of the Redis key of a folder's sorted names, e.g. `days` (never a name: its rank is NaN). */
  readonly index: string;
  /** A name's place in its folder (a day number); NaN for a name that is not one of the kind's. */
  rank(name: string): number;
  /** A write of rank R drops the folder's names ranked below R − `keepRanks`. */
  readonly keepRanks: number;
  /** The entry that `key`'s stored bytes hold; undefined when they are damaged. Never throws. */
  decode(bytes: Buffer, key: string): CacheEntry<unknown> | undefined;
}

/** Cached API responses: `<cache dir>/http/`, `<prefix>cache:<hash>` and `<prefix>lock:<hash>`. */
export const RESPONSE_ENTRIES: EntryKind = { fileDir: 'http', redisEntries: 'cache:', redisLocks: 'lock:' };

/** Names taken by the response entries and the cache dir's own files. */
const RESERVED_KINDS: ReadonlySet<string> = new Set(['http', 'cache', 'lock', 'memory', 'demo']);

/**
 * The kind `name` (lower-case letters, digits and `-`): `<cache dir>/<name>/`,
 * `<prefix><name>:<hash>` and `<prefix>lock:<name>:<hash>`.
 * @throws RangeError for a name that is malformed or taken.
 */
export function entryKind(name: string, named?: NamedEntries): EntryKind {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name) || RESERVED_KINDS.has(name)) {
    throw new RangeError(
      `entry kind must be lower-case letters, digits and "-", not one of ${[...RESERVED_KINDS].join(', ')}; got "${name}"`,
    );
  }
  const kind = { fileDir: name, redisEntries: `${name}:`, redisLocks: `lock:${name}:` };
  return named ? { ...kind, named } : kind;
}

const NAME_PART = /^[a-z0-9-]{1,64}$/;

/**
 * The folder and name of a named kind's key.
 * @throws TypeError for a key that is not `<folder>/<name>` (a caller's bug, never a path)
 */
export function namedKey(key: string): { folder: string; name: string } {
  const [folder = '', name = '', ...rest] = key.split('/');
  if (rest.length > 0 || !NAME_PART.test(folder) || !NAME_PART.test(name)) throw new TypeError(`bad entry name ${JSON.stringify(key)}`);
  return { folder, name };
}

/**
 * One kind of entry in one place. Keys are the readable, secret-free keys (`cacheKey`); a backend
 * hashes them for its own names. A read never throws for a damaged entry (it is removed, counted
 * `cache.corrupt`, and read as missing); a store that cannot be reached throws
 * `QAHT_ERR_STORE_UNAVAILABLE`.
 */
export interface EntryBackend {
  /** The entry stored for `key`, or undefined (missing, damaged, or over the size cap). */
  read<T>(key: string): Promise<CacheEntry<T> | undefined>;
  /**
   * Stores `encoded` in place of what `key` held, kept for at least `keepMs` where the backend
   * expires entries.
   * @throws on any failure (the caller counts it; the entry is not stored)
   */
  write(encoded: EncodedEntry<unknown>, keepMs: number): Promise<void>;
  /**
   * The header of `key`'s entry (its note included), without reading its value: for readers that
   * need only the note. The value's checksum is not checked (a damaged value is found by `read`).
   */
  readHeader(key: string): Promise<EntryHeader | undefined>;
  /** Removes `key`'s entry; true when there was one. */
  remove(key: string): Promise<boolean>;
  /**
   * Takes `key`'s fill lock, waiting while another process holds it. Undefined when there is
   * nothing to guard (the backend has stopped writing).
   * @throws when it cannot be had in time (the caller fills without it: better than nothing served)
   */
  lock(key: string): Promise<EntryLock | undefined>;
  /** The header of every usable entry (values are not read), in no order; `file` is where it lives. */
  list(): Promise<CacheListing[]>;
  /** Removes every entry, or only `source`'s; resolves how many. */
  clear(source?: string): Promise<number>;
}

/** A backend that can also write an entry once and list a named kind's folder. */
export interface WriteOnceBackend extends EntryBackend {
  /**
   * Stores `encoded` unless its key holds an entry already: atomically (a writer killed midway
   * stores nothing) and once for everyone sharing the store (of simultaneous writers exactly one
   * stores it). For a named kind it then drops the folder's names past the kind's keeping.
   * Resolves true when this call stored it.
   * @throws on any failure but "already stored"
   */
  writeOnce(encoded: EncodedEntry<unknown>, keepMs: number): Promise<boolean>;
  /** Whether `key` holds an entry, without reading it (one stat, one EXISTS). */
  exists(key: string): Promise<boolean>;
  /**
   * The names stored in `folder` of a named kind ranked `fromRank` or more (all when undefined),
   * lowest rank first.
   * @throws TypeError for a kind that is not named
   */
  names(folder: string, fromRank?: number): Promise<string[]>;
}

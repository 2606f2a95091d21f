/**
 * The disk cache: a memory tier (lru-cache) over one JSON file per entry in `<dir>/http/`,
 * named by the sha256 of the secret-free key.
 *
 * Lookup order: within TTL → `cached` (unless the run forces a refresh); offline → any-age entry,
 * else `failed`; otherwise fetch → `fresh`; fetch failed → the entry as `stale` (with
 * `staleBeyondMaxAge` past `maxStaleMs`) → `failed`. The run's `CacheMode` is fixed once, in the
 * view the run gets from `view(mode)`; the cache itself is the normal-mode view.
 * Identical concurrent lookups in this process share one fetch; across processes the refresh runs
 * under a per-key file lock and re-reads the entry first, so N processes fetch once.
 *
 * Robustness: only regular files inside the cache dir are read, up to `ENTRY_MAX_BYTES` (a FIFO,
 * a device or a link out of the dir is a miss and is removed, so nothing there can hang or flood a
 * run). A corrupt, truncated, foreign-schema or checksum-mismatched file is a miss and is removed.
 * A value that fails the lookup's `validate` is a miss as well. A failed write (disk full) leaves
 * the value in the memory tier for this run and says so once through `onWarning`.
 *
 * Unwritable cache dir policy: `DiskCache.open()` creates the dir (0700) and proves it writable,
 * and otherwise throws `QahtError('QAHT_ERR_CACHE_DIR', 'cache directory <dir> is not writable:
 * <reason>')`, which the CLI maps to exit 2 with that one line: a cron job whose cache silently
 * stopped persisting would hammer the APIs every run, so failing loudly is the safer default.
 * (A caller wanting a memory-only run can catch it and use `new DiskCache(...)` anyway: every
 * write failure is then counted as `cache.write_error` and the run goes on.)
 */
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { QahtError } from '../../errors.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { describeFsError, ensurePrivateDir, writeFileAtomic } from './atomic-write.js';
import { decodeEntry, decodeHeader, encodeEntry, ENTRY_MAX_BYTES, type CacheEntry, type EncodedEntry } from '../cache-entry.js';
import { redactSecrets } from '../../redact.js';
import {
  entryForValue,
  fillEntry,
  isFresh,
  lookupCounter,
  type RefreshOutcome,
  scrubStrings,
  serveEntry,
  serveOutcome,
  serveWithoutFetch,
  usableEntry,
} from '../cache-policy.js';
import { hashKey } from '../cache-key.js';
import type {
  CacheListing,
  CacheLookup,
  CacheMode,
  CacheMonitor,
  CacheView,
  FallbackCache,
  LookupOptions,
  ValueCheck,
} from '../cache-types.js';
import { acquireFileLock, type FileLock } from './file-lock.js';
import { sweepLeftovers, type SweepReport } from './leftover-sweep.js';
import { readRegularFile, readRegularFilePrefix, type RegularFileRead } from './regular-file.js';
import { fsErrorCode, nodeStoreFs, type StoreFs } from './store-fs.js';

export interface DiskCacheOptions {
  /** Cache directory; entries live in `<dir>/http/`. */
  dir: string;
  /** @default systemClock */
  clock?: Clock;
  /** Entries kept in memory. @default 500 */
  memoryMaxEntries?: number;
  /** Receives `cache_hits`, `cache_misses` and `cache.stale|corrupt|invalid|write_error|lock_error` counts. */
  monitor?: CacheMonitor;
  /** A refresh lock older than this (without heartbeat) is taken over. @default 30_000 ms */
  lockStaleMs?: number;
  /** How long a refresh waits for another process's refresh of the same key. @default 60_000 ms */
  lockWaitMs?: number;
  /** Secret values scrubbed from keys and from every string in stored values, as a last line of defence. */
  secrets?: readonly string[];
  /**
   * Receives one-line, secret-free warnings, each at most once per cache: caching stopped (disk
   * full, read-only), an entry blocked by a directory, an entry over the size cap.
   */
  onWarning?: (message: string) => void;
  /** Largest entry file read or written, in bytes. @default ENTRY_MAX_BYTES (32 MiB) */
  entryMaxBytes?: number;
  /** @default Node's file system */
  fs?: StoreFs;
}

/** What a low-level `set` takes. `fetchedAt` defaults to now. */
export interface CacheSetInput<T> {
  source: string;
  key: string;
  value: T;
  ttlMs: number;
  fetchedAt?: number;
}

/** Subfolder of the cache dir holding entry files. */
export const ENTRIES_SUBDIR = 'http';
const ENTRY_SUFFIX = '.json';
const LOCK_SUFFIX = '.lock';
/** The state store's files in the cache dir itself (its temps and lock), which the sweep also cleans. */
const STATE_FILE_PREFIX = 'state.json.';
/** Enough of an entry file to hold its header (a long key needs more, and is then read whole). */
const HEADER_PREFIX_BYTES = 16 * 1024;
/** Write failures after which writing is pointless for the rest of the run. */
const CACHING_STOPPERS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

const DEFAULTS = { memoryMaxEntries: 500, lockStaleMs: 30_000, lockWaitMs: 60_000 } as const;

/** The two-tier (memory over files) response cache; see the file header for the lookup order. */
export class DiskCache implements CacheView {
  /** The cache directory. */
  readonly dir: string;
  /** Used directly, the cache serves in normal mode; `view` gives the other modes. */
  readonly mode: CacheMode = 'normal';
  readonly #entriesDir: string;
  readonly #clock: Clock;
  readonly #memory: LRUCache<string, CacheEntry>;
  readonly #monitor: CacheMonitor | undefined;
  readonly #lockStaleMs: number;
  readonly #lockWaitMs: number;
  readonly #secrets: readonly string[];
  readonly #onWarning: ((message: string) => void) | undefined;
  readonly #entryMaxBytes: number;
  readonly #fs: StoreFs;
  readonly #inFlight = new Map<string, Promise<RefreshOutcome<unknown>>>();
  /** Entries already checked by a lookup's `validate`, so a memory hit is not checked again. */
  readonly #validated = new WeakMap<CacheEntry, ValueCheck<unknown>>();
  readonly #warned = new Set<string>();
  #dirReady: Promise<void> | undefined;
  /** Set after a failure that every later write would repeat (disk full, read-only). */
  #writesStopped = false;

  /**
   * Opens a cache whose directory exists and is writable, sweeping what killed runs left there
   * (temp files, abandoned locks; see leftover-sweep.ts).
   * @throws QahtError `QAHT_ERR_CACHE_DIR` when the directory cannot be created or written.
   */
  static async open(options: DiskCacheOptions): Promise<DiskCache> {
    const cache = new DiskCache(options);
    await cache.#ensureDir();
    await cache.sweep();
    return cache;
  }

  /** Does no I/O; the directory is created on first write. Prefer `DiskCache.open`. */
  constructor(options: DiskCacheOptions) {
    this.dir = options.dir;
    this.#entriesDir = join(options.dir, ENTRIES_SUBDIR);
    this.#clock = options.clock ?? systemClock;
    this.#memory = new LRUCache({ max: Math.max(1, options.memoryMaxEntries ?? DEFAULTS.memoryMaxEntries) });
    this.#monitor = options.monitor;
    this.#lockStaleMs = options.lockStaleMs ?? DEFAULTS.lockStaleMs;
    this.#lockWaitMs = options.lockWaitMs ?? DEFAULTS.lockWaitMs;
    this.#secrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
    this.#onWarning = options.onWarning;
    this.#entryMaxBytes = options.entryMaxBytes ?? ENTRY_MAX_BYTES;
    this.#fs = options.fs ?? nodeStoreFs;
  }

  /** Path of the file that holds `key`. */
  fileFor(key: string): string {
    return join(this.#entriesDir, `${hashKey(this.#cleanKey(key))}${ENTRY_SUFFIX}`);
  }

  /** A view whose every lookup runs in `mode` (see `CacheMode`): the run's context builds one. */
  view(mode: CacheMode): CacheView {
    return { mode, lookup: (options) => this.#lookup(options, mode) };
  }

  /** Serves `key` in normal mode following the lookup order (see the file header); never throws for fetch or disk failures. */
  lookup<T>(options: LookupOptions<T>): Promise<CacheLookup<T>> {
    return this.#lookup(options, 'normal');
  }

  async #lookup<T>(options: LookupOptions<T>, mode: CacheMode): Promise<CacheLookup<T>> {
    const { source, ttlMs, maxStaleMs = Infinity, fetch, probe = false, validate } = options;
    const forceRefresh = mode === 'force-refresh';
    const key = this.#cleanKey(options.key);
    const startedAt = this.#clock.now();
    const seen = this.#usable(await this.get<T>(key), validate);
    const policy = { ttlMs, maxStaleMs, forceRefresh };
    if (seen && !forceRefresh && isFresh(seen, ttlMs, this.#clock.now()))
      return this.#report(probe, serveEntry('cached', seen, this.#clock.now()));
    if (mode === 'offline' || !fetch) return this.#report(probe, serveWithoutFetch(seen, key, mode, policy, this.#clock.now()));
    let flight = this.#inFlight.get(key) as Promise<RefreshOutcome<T>> | undefined;
    if (!flight) {
      flight = this.#refresh({ key, source, ttlMs, forceRefresh, startedAt, seen, fetch, validate }).finally(() =>
        this.#inFlight.delete(key),
      );
      this.#inFlight.set(key, flight);
    }
    return this.#report(probe, serveOutcome(await flight, seen, policy, this.#clock.now()));
  }

  /** The entry for `key` (memory, then disk), or undefined. An unusable file is removed. */
  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const clean = this.#cleanKey(key);
    return (this.#memory.get(clean) as CacheEntry<T> | undefined) ?? this.#readDisk<T>(clean);
  }

  /**
   * Stores an entry in memory and on disk (atomic write, mode 0600).
   * @throws the write error (QahtError `QAHT_ERR_CACHE_DIR` for an entry over the size cap); the
   *   memory tier keeps the entry anyway.
   */
  async set<T>(input: CacheSetInput<T>): Promise<CacheEntry<T>> {
    const encoded = encodeEntry<T>({
      key: this.#cleanKey(input.key),
      source: input.source,
      value: this.#scrub(input.value),
      ttlMs: input.ttlMs,
      fetchedAt: input.fetchedAt ?? this.#clock.now(),
    });
    this.#memory.set(encoded.entry.key, encoded.entry);
    await this.#write(encoded);
    return encoded.entry;
  }

  /** Removes one entry; true when a file was removed. */
  async delete(key: string): Promise<boolean> {
    const clean = this.#cleanKey(key);
    this.#memory.delete(clean);
    return this.#fs.unlink(this.fileFor(clean)).then(
      () => true,
      () => false,
    );
  }

  /**
   * Every usable entry on disk, sorted by key. Only each file's header is read (its value length
   * must fit the file; the checksum is checked when the entry is used). Unusable files met on the
   * way are removed.
   */
  async list(): Promise<CacheListing[]> {
    const listings: CacheListing[] = [];
    const now = this.#clock.now();
    for (const file of await this.#entryFiles()) {
      const header = await this.#readHeader(file);
      if (!header) continue;
      listings.push({
        key: header.key,
        source: header.source,
        fetchedAt: Math.min(header.fetchedAt, now),
        ttlMs: header.ttlMs,
        sizeBytes: header.sizeBytes,
        file,
      });
    }
    return listings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Removes every entry, or only those of `source`; resolves the number of entries removed.
   * Unusable files are removed too, but only counted when clearing everything.
   */
  async clear(source?: string): Promise<number> {
    let removed = 0;
    for (const file of await this.#entryFiles()) {
      if (source !== undefined) {
        const header = await this.#readHeader(file);
        if (!header || header.source !== source) continue;
      }
      if (
        await this.#fs.unlink(file).then(
          () => true,
          () => false,
        )
      )
        removed++;
    }
    if (source === undefined) this.#memory.clear();
    else for (const [key, entry] of this.#memory.entries()) if (entry.source === source) this.#memory.delete(key);
    return removed;
  }

  /**
   * Removes what killed runs left in the cache dir: their temp files, and the locks and take-over
   * guards of holders that are gone (see leftover-sweep.ts). `open` runs it; never throws.
   */
  sweep(): Promise<SweepReport> {
    return sweepLeftovers({
      ownedDir: this.#entriesDir,
      sharedDir: this.dir,
      ownedPrefixes: [STATE_FILE_PREFIX],
      clock: this.#clock,
      lockStaleMs: this.#lockStaleMs,
      fs: this.#fs,
    });
  }

  /**
   * This cache as the store of `GracefulDegradation.staleCacheFallback`: `storedAt` is the entry's
   * `fetchedAt`. `source` defaults to the key's prefix before `:` (the `cacheKey` format).
   * A failed disk write is counted, not thrown: the fallback is a convenience, not the data path.
   */
  asFallbackCache<T = unknown>(ttlMs: number, source?: string): FallbackCache<T> {
    return {
      get: async (key) => {
        const entry = await this.get<T>(key);
        return entry ? { value: entry.value, storedAt: entry.fetchedAt } : undefined;
      },
      set: async (key, value) => {
        const entrySource = source ?? (key.includes(':') ? key.slice(0, key.indexOf(':')) : 'unknown');
        await this.set({ source: entrySource, key, value, ttlMs }).catch(() => this.#count('cache.write_error'));
      },
    };
  }

  async #refresh<T>(request: {
    key: string;
    source: string;
    ttlMs: number;
    forceRefresh: boolean;
    startedAt: number;
    seen: CacheEntry<T> | undefined;
    fetch: () => Promise<T>;
    validate: ValueCheck<T> | undefined;
  }): Promise<RefreshOutcome<T>> {
    const { key, source, ttlMs, validate } = request;
    let lock: FileLock | undefined;
    // With writes stopped there is nothing to guard, and the lock file could not be made anyway.
    if (!this.#writesStopped) {
      try {
        await this.#ensureDir();
        lock = await acquireFileLock(join(this.#entriesDir, `${hashKey(key)}${LOCK_SUFFIX}`), {
          clock: this.#clock,
          staleMs: this.#lockStaleMs,
          waitMs: this.#lockWaitMs,
          fs: this.#fs,
        });
      } catch {
        // No lock (unwritable dir, or a holder past lockWaitMs): fetching anyway beats serving nothing.
        this.#count('cache.lock_error');
      }
    }
    try {
      // Another process may have refreshed the entry while we waited for the lock.
      const current = this.#usable(await this.#readDisk<T>(key), validate, false);
      return await fillEntry({
        ...request,
        current,
        nowMs: this.#clock.now(),
        encode: (value) => this.#entryFor(value, { key, source, ttlMs }, validate),
        store: (encoded) => this.#store(encoded),
      });
    } finally {
      await lock?.release().catch(() => undefined);
    }
  }

  /** The entry for a fetched value, or the failure of a value that is missing or of the wrong shape. */
  #entryFor<T>(
    value: T,
    meta: { key: string; source: string; ttlMs: number },
    validate: ValueCheck<T> | undefined,
  ): EncodedEntry<T> | QahtError {
    const encoded = entryForValue(value, { ...meta, fetchedAt: this.#clock.now() }, validate, this.#secrets);
    if (validate && !(encoded instanceof QahtError)) this.#validated.set(encoded.entry, validate);
    return encoded;
  }

  /**
   * The entry when its value passes `validate` (checked once per entry); otherwise a miss, counted
   * `cache.invalid` (once per lookup: the re-read under the lock passes `count` false).
   */
  #usable<T>(entry: CacheEntry<T> | undefined, validate: ValueCheck<T> | undefined, count = true): CacheEntry<T> | undefined {
    return usableEntry(entry, validate, this.#validated, (invalid) => {
      if (count) this.#count('cache.invalid');
      this.#memory.delete(invalid.key);
    });
  }

  /** Writes for a lookup: a failure is counted and reported once, never thrown. */
  async #store(encoded: EncodedEntry<unknown>): Promise<void> {
    this.#memory.set(encoded.entry.key, encoded.entry);
    if (this.#writesStopped) {
      this.#count('cache.write_error');
      return;
    }
    await this.#write(encoded).catch(() => this.#count('cache.write_error'));
  }

  async #write(encoded: EncodedEntry<unknown>): Promise<void> {
    const { entry, bytes } = encoded;
    const file = this.fileFor(entry.key);
    if (bytes.length > this.#entryMaxBytes) {
      const sizes = `${formatSize(bytes.length)}, over the ${formatSize(this.#entryMaxBytes)} entry cap`;
      this.#warnOnce(`too-large:${entry.key}`, `${entry.source} data is not cached: its entry would be ${sizes}`);
      throw new QahtError('QAHT_ERR_CACHE_DIR', `cache entry for ${entry.key} is ${sizes}`);
    }
    try {
      await this.#ensureDir();
      await writeFileAtomic(file, bytes, { fs: this.#fs });
    } catch (error) {
      await this.#explainWriteFailure(error, file, entry.source);
      throw error;
    }
  }

  /** Says once why caching stopped (or why one entry cannot be stored), and stops writing where every write would fail. */
  async #explainWriteFailure(error: unknown, file: string, source: string): Promise<void> {
    const code = fsErrorCode(error) ?? fsErrorCode((error as { cause?: unknown } | undefined)?.cause);
    if (code !== undefined && CACHING_STOPPERS.has(code)) {
      this.#writesStopped = true;
      const reason = describeFsError({ code });
      this.#warnOnce('stopped', `caching stopped: ${reason} in ${this.dir}; what this run fetches is not saved for the next run`);
      return;
    }
    const blocked = await this.#fs.lstat(file).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (blocked) this.#warnOnce(`blocked:${file}`, `${source} data is not cached: ${file} is a directory where its cache entry belongs`);
    else this.#warnOnce('failed', `caching failed for ${source}: ${describeFsError(error)}`);
  }

  #warnOnce(topic: string, message: string): void {
    if (this.#warned.has(topic)) return;
    this.#warned.add(topic);
    this.#onWarning?.(message);
  }

  async #readDisk<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const file = this.fileFor(key);
    const read = await this.#readEntryFile(file);
    const decoded = read.ok ? decodeEntry<T>(read.bytes, key) : undefined;
    const entry = decoded?.ok ? decoded.entry : undefined;
    if (entry) this.#memory.set(key, entry);
    else {
      this.#memory.delete(key);
      await this.#discard(file, read);
    }
    return entry;
  }

  /** The header facts `list` and `clear` need, or undefined for an unusable file (which is removed). */
  async #readHeader(
    file: string,
  ): Promise<{ key: string; source: string; fetchedAt: number; ttlMs: number; sizeBytes: number } | undefined> {
    let read = await readRegularFilePrefix(file, HEADER_PREFIX_BYTES, this.#readOptions());
    let decoded = read.ok ? decodeHeader(read.bytes, read.size) : undefined;
    // A header longer than the prefix (a very long key): read the whole file once.
    if (read.ok && decoded?.ok === false && decoded.reason === 'truncated' && read.size > read.bytes.length) {
      read = await this.#readEntryFile(file);
      decoded = read.ok ? decodeHeader(read.bytes, read.size) : undefined;
    }
    if (read.ok && decoded?.ok) {
      const { key, source, fetchedAt, ttlMs } = decoded.header;
      return { key, source, fetchedAt, ttlMs, sizeBytes: read.size };
    }
    await this.#discard(file, read);
    return undefined;
  }

  #readEntryFile(file: string): Promise<RegularFileRead> {
    return readRegularFile(file, this.#readOptions());
  }

  #readOptions(): { maxBytes: number; within: string; fs: StoreFs } {
    return { maxBytes: this.#entryMaxBytes, within: this.#entriesDir, fs: this.#fs };
  }

  /**
   * Removes an unusable entry file: one that was read and did not decode (if it is still the file
   * that was read: a writer may have renamed a good entry into place since), a FIFO, device or
   * link, or a file over the cap. A directory is left (it cannot be an entry, and the warning on
   * the next write names it); a missing file needs nothing.
   */
  async #discard(file: string, read: RegularFileRead): Promise<void> {
    if (!read.ok && (read.reason === 'missing' || read.reason === 'unreadable')) return;
    const info = await this.#fs.lstat(file).catch(() => undefined);
    if (!info || info.isDirectory()) return;
    this.#count('cache.corrupt');
    const same = read.ok ? info.ino === read.ino : !info.isFile() || info.size > this.#entryMaxBytes;
    if (same) await this.#fs.unlink(file).catch(() => undefined);
  }

  async #entryFiles(): Promise<string[]> {
    const names = await this.#fs.readdir(this.#entriesDir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith(ENTRY_SUFFIX)).map((name) => join(this.#entriesDir, name));
  }

  #ensureDir(): Promise<void> {
    this.#dirReady ??= ensurePrivateDir(this.dir, this.#fs).then(() => ensurePrivateDir(this.#entriesDir, this.#fs));
    return this.#dirReady;
  }

  #report<T>(probe: boolean, result: CacheLookup<T>): CacheLookup<T> {
    if (probe && result.status !== 'cached') return result;
    this.#count(lookupCounter(result.status));
    return result;
  }

  #count(name: string): void {
    this.#monitor?.increment(name, 1);
  }

  #cleanKey(key: string): string {
    return this.#secrets.length > 0 ? redactSecrets(key, this.#secrets) : key;
  }

  #scrub<T>(value: T): T {
    return this.#secrets.length > 0 ? (scrubStrings(value, this.#secrets) as T) : value;
  }
}

/** 4096 → "4.0 KiB", 33554432 → "32 MiB". */
function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${Math.round(bytes / (1024 * 1024))} MiB`;
}

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
 * Robustness: a corrupt, truncated, foreign-schema or checksum-mismatched file is a miss and is
 * removed. A failed write (disk full) leaves the value in the memory tier for this run.
 *
 * Unwritable cache dir policy: `DiskCache.open()` creates the dir (0700) and proves it writable,
 * and otherwise throws `QahtError('QAHT_ERR_CACHE_DIR', 'cache directory <dir> is not writable:
 * <reason>')`, which the CLI maps to exit 2 with that one line: a cron job whose cache silently
 * stopped persisting would hammer the APIs every run, so failing loudly is the safer default.
 * (A caller wanting a memory-only run can catch it and use `new DiskCache(...)` anyway: every
 * write failure is then counted as `cache.write_error` and the run goes on.)
 */
import { open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { QahtError } from '../errors.js';
import { CACHE_HIT_COUNTER, CACHE_MISS_COUNTER } from '../metric-names.js';
import { systemClock, type Clock } from '../time/clock.js';
import { ensurePrivateDir, TEMP_SUFFIX, writeFileAtomic } from './atomic-write.js';
import { buildEntry, decodeEntry, serialiseEntry, type CacheEntry } from './cache-entry.js';
import { redactSecrets } from '../redact.js';
import { hashKey } from './cache-key.js';
import type {
  CacheListing,
  CacheLookup,
  CacheMode,
  CacheMonitor,
  CacheStatus,
  CacheView,
  FallbackCache,
  LookupOptions,
} from './cache-types.js';
import { acquireFileLock, type FileLock } from './file-lock.js';

export interface DiskCacheOptions {
  /** Cache directory; entries live in `<dir>/http/`. */
  dir: string;
  /** @default systemClock */
  clock?: Clock;
  /** Entries kept in memory. @default 500 */
  memoryMaxEntries?: number;
  /** Receives `cache_hits`, `cache_misses` and `cache.stale|corrupt|write_error|lock_error` counts. */
  monitor?: CacheMonitor;
  /** A refresh lock older than this (without heartbeat) is taken over. @default 30_000 ms */
  lockStaleMs?: number;
  /** How long a refresh waits for another process's refresh of the same key. @default 60_000 ms */
  lockWaitMs?: number;
  /** Secret values scrubbed from keys and from every string in stored values, as a last line of defence. */
  secrets?: readonly string[];
}

/** What a low-level `set` takes. `fetchedAt` defaults to now. */
export interface CacheSetInput<T> {
  source: string;
  key: string;
  value: T;
  ttlMs: number;
  fetchedAt?: number;
}

type RefreshOutcome<T> =
  | { kind: 'fetched'; entry: CacheEntry<T> }
  | { kind: 'peer'; entry: CacheEntry<T> }
  | { kind: 'failed'; error: unknown; entry: CacheEntry<T> | undefined };

/** Subfolder of the cache dir holding entry files. */
export const ENTRIES_SUBDIR = 'http';
const ENTRY_SUFFIX = '.json';
const LOCK_SUFFIX = '.lock';
/** Temp files older than this (real time) are orphans of a killed writer and are swept by `open`. */
const ORPHAN_TEMP_AGE_MS = 10 * 60_000;

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
  readonly #inFlight = new Map<string, Promise<RefreshOutcome<unknown>>>();
  #dirReady: Promise<void> | undefined;

  /**
   * Opens a cache whose directory exists and is writable, sweeping temp files orphaned by
   * killed writers.
   * @throws QahtError `QAHT_ERR_CACHE_DIR` when the directory cannot be created or written.
   */
  static async open(options: DiskCacheOptions): Promise<DiskCache> {
    const cache = new DiskCache(options);
    await cache.#ensureDir();
    await cache.#sweepOrphanTemps();
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
    const { source, ttlMs, maxStaleMs = Infinity, fetch, probe = false } = options;
    const forceRefresh = mode === 'force-refresh';
    const key = this.#cleanKey(options.key);
    const startedAt = this.#clock.now();
    const seen = await this.get<T>(key);
    if (seen && !forceRefresh && this.#isFresh(seen, ttlMs)) return this.#report(probe, this.#serve('cached', seen));
    if (mode === 'offline' || !fetch) {
      if (seen) return this.#report(probe, this.#serveFallback(seen, { ttlMs, maxStaleMs, forceRefresh }));
      const reason =
        mode === 'offline' ? `offline, and nothing is cached for ${key}` : `nothing is cached for ${key} and there is no way to fetch it`;
      return this.#report(probe, { status: 'failed', error: new QahtError('QAHT_ERR_NO_DATA', reason) });
    }
    let flight = this.#inFlight.get(key) as Promise<RefreshOutcome<T>> | undefined;
    if (!flight) {
      flight = this.#refresh({ key, source, ttlMs, forceRefresh, startedAt, seen, fetch }).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, flight);
    }
    const outcome = await flight;
    switch (outcome.kind) {
      case 'fetched':
        return this.#report(probe, this.#serve('fresh', outcome.entry));
      case 'peer':
        return this.#report(probe, this.#serve('cached', outcome.entry));
      case 'failed': {
        const fallback = outcome.entry ?? seen;
        if (!fallback) return this.#report(probe, { status: 'failed', error: outcome.error });
        return this.#report(probe, this.#serveFallback(fallback, { ttlMs, maxStaleMs, forceRefresh }, outcome.error));
      }
    }
  }

  /** The entry for `key` (memory, then disk), or undefined. An unusable file is removed. */
  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const clean = this.#cleanKey(key);
    return (this.#memory.get(clean) as CacheEntry<T> | undefined) ?? this.#readDisk<T>(clean);
  }

  /**
   * Stores an entry in memory and on disk (atomic write, mode 0600).
   * @throws the write error; the memory tier keeps the entry anyway.
   */
  async set<T>(input: CacheSetInput<T>): Promise<CacheEntry<T>> {
    const entry = buildEntry<T>({
      key: this.#cleanKey(input.key),
      source: input.source,
      value: this.#scrub(input.value),
      ttlMs: input.ttlMs,
      fetchedAt: input.fetchedAt ?? this.#clock.now(),
    });
    this.#memory.set(entry.key, entry);
    await this.#ensureDir();
    await writeFileAtomic(this.fileFor(entry.key), serialiseEntry(entry));
    return entry;
  }

  /** Removes one entry; true when a file was removed. */
  async delete(key: string): Promise<boolean> {
    const clean = this.#cleanKey(key);
    this.#memory.delete(clean);
    return unlink(this.fileFor(clean)).then(
      () => true,
      () => false,
    );
  }

  /** Every usable entry on disk, sorted by key. Unusable files met on the way are removed. */
  async list(): Promise<CacheListing[]> {
    const listings: CacheListing[] = [];
    for (const file of await this.#entryFiles()) {
      const entry = await this.#readFile(file);
      if (!entry) continue;
      const sizeBytes = await stat(file).then(
        (info) => info.size,
        () => 0,
      );
      listings.push({ key: entry.key, source: entry.source, fetchedAt: entry.fetchedAt, ttlMs: entry.ttlMs, sizeBytes, file });
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
        const entry = await this.#readFile(file);
        if (!entry || entry.source !== source) continue;
      }
      if (
        await unlink(file).then(
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
  }): Promise<RefreshOutcome<T>> {
    const { key, source, ttlMs, forceRefresh, startedAt, seen, fetch } = request;
    let lock: FileLock | undefined;
    try {
      await this.#ensureDir();
      lock = await acquireFileLock(join(this.#entriesDir, `${hashKey(key)}${LOCK_SUFFIX}`), {
        clock: this.#clock,
        staleMs: this.#lockStaleMs,
        waitMs: this.#lockWaitMs,
      });
    } catch {
      // No lock (unwritable dir, or a holder past lockWaitMs): fetching anyway beats serving nothing.
      this.#count('cache.lock_error');
    }
    try {
      // Another process may have refreshed the entry while we waited for the lock.
      const current = await this.#readDisk<T>(key);
      if (current && this.#isFresh(current, ttlMs) && (!forceRefresh || this.#writtenSince(current, seen, startedAt))) {
        return { kind: 'peer', entry: current };
      }
      const base = current ?? seen;
      let value: T;
      try {
        value = await fetch();
      } catch (error) {
        return { kind: 'failed', error, entry: base };
      }
      if (value === undefined) {
        return {
          kind: 'failed',
          error: new QahtError('QAHT_ERR_INVALID_DATA', `${source} fetch returned no value for ${key}`),
          entry: base,
        };
      }
      const entry = buildEntry({ key, source, ttlMs, value: this.#scrub(value), fetchedAt: this.#clock.now() });
      await this.#store(entry);
      return { kind: 'fetched', entry };
    } finally {
      await lock?.release().catch(() => undefined);
    }
  }

  /** True when `current` is not the entry this lookup saw and was written after it started. */
  #writtenSince(current: CacheEntry, seen: CacheEntry | undefined, startedAt: number): boolean {
    const changed = !seen || seen.fetchedAt !== current.fetchedAt || seen.checksum !== current.checksum;
    return changed && current.fetchedAt >= startedAt;
  }

  async #store(entry: CacheEntry): Promise<void> {
    this.#memory.set(entry.key, entry);
    try {
      await this.#ensureDir();
      await writeFileAtomic(this.fileFor(entry.key), serialiseEntry(entry));
    } catch {
      this.#count('cache.write_error');
    }
  }

  async #readDisk<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const entry = await this.#readFile<T>(this.fileFor(key), key);
    if (entry) this.#memory.set(key, entry);
    else this.#memory.delete(key);
    return entry;
  }

  /** Reads and checks one entry file; an unusable one is removed (if it is still the same file). */
  async #readFile<T>(file: string, expectedKey?: string): Promise<CacheEntry<T> | undefined> {
    let text: string;
    let inode: number;
    try {
      const handle = await open(file, 'r');
      try {
        inode = (await handle.stat()).ino;
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
    const decoded = decodeEntry<T>(text, expectedKey);
    if (decoded.ok) return decoded.entry;
    this.#count('cache.corrupt');
    // A writer may have renamed a good entry into place since we read: only remove what we read.
    const sameFile = await stat(file).then(
      (info) => info.ino === inode,
      () => false,
    );
    if (sameFile) await unlink(file).catch(() => undefined);
    return undefined;
  }

  async #entryFiles(): Promise<string[]> {
    const names = await readdir(this.#entriesDir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith(ENTRY_SUFFIX)).map((name) => join(this.#entriesDir, name));
  }

  /** Removes temp files of killed writers: any in `http/`, and the state store's own in the top folder. */
  async #sweepOrphanTemps(): Promise<void> {
    const ours = (folder: string, name: string) =>
      name.endsWith(TEMP_SUFFIX) && (folder === this.#entriesDir || name.startsWith('state.json.'));
    for (const folder of [this.#entriesDir, this.dir]) {
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        if (!ours(folder, name)) continue;
        const file = join(folder, name);
        const info = await stat(file).catch(() => undefined);
        // File times are real time, so this compares against Date.now(), not the injected clock.
        if (info && Date.now() - info.mtimeMs > ORPHAN_TEMP_AGE_MS) await unlink(file).catch(() => undefined);
      }
    }
  }

  #ensureDir(): Promise<void> {
    this.#dirReady ??= ensurePrivateDir(this.dir).then(() => ensurePrivateDir(this.#entriesDir));
    return this.#dirReady;
  }

  #isFresh(entry: CacheEntry, ttlMs: number): boolean {
    // |age|: an entry stamped in the future (clock moved back) is fresh only within one TTL.
    return Math.abs(this.#clock.now() - entry.fetchedAt) < ttlMs;
  }

  #serve<T>(status: CacheStatus, entry: CacheEntry<T>): CacheLookup<T> {
    return { status, value: entry.value, fetchedAt: entry.fetchedAt, ageMs: Math.max(0, this.#clock.now() - entry.fetchedAt) };
  }

  /**
   * The entry served because no fetch happened or it failed: `cached` within TTL, else `stale`;
   * always `stale` when the run forced a refresh, since the refresh did not happen.
   */
  #serveFallback<T>(
    entry: CacheEntry<T>,
    policy: { ttlMs: number; maxStaleMs: number; forceRefresh: boolean },
    error?: unknown,
  ): CacheLookup<T> {
    const served = this.#serve<T>(!policy.forceRefresh && this.#isFresh(entry, policy.ttlMs) ? 'cached' : 'stale', entry);
    if (error !== undefined) served.error = error;
    if (served.status === 'stale') served.staleBeyondMaxAge = (served.ageMs ?? 0) > policy.maxStaleMs;
    return served;
  }

  #report<T>(probe: boolean, result: CacheLookup<T>): CacheLookup<T> {
    if (probe && result.status !== 'cached') return result;
    const counter = { fresh: CACHE_MISS_COUNTER, cached: CACHE_HIT_COUNTER, stale: 'cache.stale', failed: CACHE_MISS_COUNTER } as const;
    this.#count(counter[result.status]);
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

/** A copy of a JSON-like value with secrets redacted from every string (keys included). */
function scrubStrings(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [redactSecrets(name, secrets), scrubStrings(item, secrets)]));
  }
  return value;
}

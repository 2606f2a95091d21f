/**
 * The file store's response cache: the response cache (response-cache.ts) over one JSON file per
 * entry in `<dir>/http/` (entry-files.ts), as the embedded default keeps it.
 *
 * Unwritable cache dir policy: `DiskCache.open()` creates the dir (0700) and proves it writable,
 * and otherwise throws `QahtError('QAHT_ERR_CACHE_DIR', 'cache directory <dir> is not writable:
 * <reason>')`, which the CLI maps to exit 2 with that one line: a cron job whose cache silently
 * stopped persisting would hammer the APIs every run, so failing loudly is the safer default.
 * (A caller wanting a memory-only run can catch it and use `new DiskCache(...)` anyway: every
 * write failure is then counted as `cache.write_error` and the run goes on.)
 */
import { systemClock, type Clock } from '../../time/clock.js';
import type { FallbackCache } from '../../fallback-cache.js';
import type { CacheMonitor } from '../cache-types.js';
import { RESPONSE_ENTRIES } from '../entry-backend.js';
import { ResponseCache } from '../response-cache.js';
import { EntryFiles } from './entry-files.js';
import { sweepLeftovers, type SweepReport } from './leftover-sweep.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';

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

/** Subfolder of the cache dir holding entry files. */
export const ENTRIES_SUBDIR = RESPONSE_ENTRIES.fileDir;
/** The state store's files in the cache dir itself (its temps and lock), which the sweep also cleans. */
const STATE_FILE_PREFIX = 'state.json.';

/** The two-tier (memory over files) response cache of the file store. */
export class DiskCache extends ResponseCache {
  /** The cache directory. */
  readonly dir: string;
  /** The entry files: what a Redis store falls back to. */
  readonly files: EntryFiles;
  readonly #clock: Clock;
  readonly #fs: StoreFs;

  /**
   * Opens a cache whose directory exists and is writable, sweeping what killed runs left there
   * (temp files, abandoned locks; see leftover-sweep.ts).
   * @throws QahtError `QAHT_ERR_CACHE_DIR` when the directory cannot be created or written.
   */
  static async open(options: DiskCacheOptions): Promise<DiskCache> {
    const cache = new DiskCache(options);
    await cache.files.ensureDir();
    await cache.sweep();
    return cache;
  }

  /** Does no I/O; the directory is created on first write. Prefer `DiskCache.open`. */
  constructor(options: DiskCacheOptions) {
    const clock = options.clock ?? systemClock;
    const files = new EntryFiles({ ...options, clock });
    super({
      backend: files,
      clock,
      ...(options.memoryMaxEntries !== undefined ? { memoryMaxEntries: options.memoryMaxEntries } : {}),
      ...(options.monitor ? { monitor: options.monitor } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    });
    this.dir = options.dir;
    this.files = files;
    this.#clock = clock;
    this.#fs = options.fs ?? nodeStoreFs;
  }

  /** Path of the file that holds `key`. */
  fileFor(key: string): string {
    return this.files.fileFor(this.cleanKey(key));
  }

  /**
   * Removes what killed runs left in the cache dir: their temp files, and the locks and take-over
   * guards of holders that are gone (see leftover-sweep.ts). `open` runs it; never throws.
   */
  sweep(): Promise<SweepReport> {
    return sweepLeftovers({
      ownedDir: this.files.entriesDir,
      sharedDir: this.dir,
      ownedPrefixes: [STATE_FILE_PREFIX],
      clock: this.#clock,
      lockStaleMs: this.files.lockStaleMs,
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
        await this.set({ source: entrySource, key, value, ttlMs }).catch(() => this.count('cache.write_error'));
      },
    };
  }
}

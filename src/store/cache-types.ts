/**
 * The shapes the disk cache exchanges with its callers (source runners, `screen cache`, the
 * stale-cache fallback). Kept apart from the implementation so callers can import types only.
 */

/**
 * How a lookup was served. Public contract (JSON `status`): `fresh` = fetched in this run,
 * `cached` = from cache within its TTL, `stale` = from cache because the fetch failed or the run
 * is offline (past its TTL, or within it when a forced refresh failed), `failed` = nothing served.
 */
export type CacheStatus = 'fresh' | 'cached' | 'stale' | 'failed';

/**
 * How a run uses the cache, fixed once when the run's context is built (`DiskCache.view`):
 * `normal` serves an entry within its TTL and fetches otherwise; `force-refresh` fetches even
 * then; `offline` never fetches. In every mode a fetch that fails (or cannot happen) serves the
 * entry if there is one: `cached` only when a normal or offline lookup finds it within its TTL,
 * else `stale`; a forced refresh that fails is `stale` even within the TTL (README "Options every data command takes": the user
 * asked for new data and did not get it).
 */
export type CacheMode = 'normal' | 'force-refresh' | 'offline';

/** The result of a lookup. `value` is set for every status but `failed`. */
export interface CacheLookup<T> {
  status: CacheStatus;
  value?: T;
  /** When the served value was fetched (epoch ms). */
  fetchedAt?: number;
  /** Age of the served value at lookup time, in ms. */
  ageMs?: number;
  /** Why the fetch failed (`stale`, `failed`); unset when none was tried (offline). */
  error?: unknown;
  /** Set on `stale`: true when the value is older than `maxStaleMs` (serve, but say so loudly). */
  staleBeyondMaxAge?: boolean;
}

export interface LookupOptions<T> {
  source: string;
  /** The readable, secret-free key (build it with `cacheKey`). */
  key: string;
  /** How long an entry is served without fetching, in ms. */
  ttlMs: number;
  /** Past this age (ms) a stale entry is still served, but marked `staleBeyondMaxAge`. @default Infinity */
  maxStaleMs?: number;
  /**
   * A look before deciding what to fetch: only a hit counts toward the hit rate, since a miss here
   * is counted again by the lookup that fetches it.
   */
  probe?: boolean;
  /**
   * Gets the data upstream. Without it the lookup serves what is cached, as offline does. It is
   * given the value it will replace (the entry read under the fill lock, else the one the lookup
   * saw; undefined when none), so a fill may extend what is stored (a candle series fetches only
   * the bars it lacks) rather than fetch it whole.
   */
  fetch?: (stored?: T) => Promise<T>;
  /**
   * The value's shape check, applied alike to a fetched value and to a cached one: a cached value
   * that fails it is a miss (then a refetch), never served, not even as stale; a fetched value
   * that fails it is a failed fetch (`QAHT_ERR_INVALID_DATA`), so stale data serves and the good
   * entry stays. @default every value passes
   */
  validate?: ValueCheck<T>;
}

/** The cache as one run sees it: every lookup in the run's mode (see `CacheMode`). */
export interface CacheView {
  readonly mode: CacheMode;
  /** Serves `key` (fresh → fetch → stale → failed, per the mode); never throws for fetch or disk failures. */
  lookup<T>(options: LookupOptions<T>): Promise<CacheLookup<T>>;
}

/** True when `value` has the shape a cached value of this lookup must have. */
export type ValueCheck<T> = (value: unknown) => value is T;

/** One row of `DiskCache.list()`. */
export interface CacheListing {
  key: string;
  source: string;
  fetchedAt: number;
  ttlMs: number;
  sizeBytes: number;
  /** Absolute path of the entry file. */
  file: string;
}

/** Counters the cache reports to (the PerformanceMonitor satisfies this). */
export interface CacheMonitor {
  increment(name: string, by?: number): void;
}

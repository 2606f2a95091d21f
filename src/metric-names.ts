/**
 * Counter names shared across layers: the cache writes them and the monitor reads them, so they
 * live on the bottom floor rather than in either.
 */

/** The seed's counter names for cache lookups; `PerformanceMonitor` computes `cacheHitRate` from them. */
export const CACHE_HIT_COUNTER = 'cache_hits';
export const CACHE_MISS_COUNTER = 'cache_misses';

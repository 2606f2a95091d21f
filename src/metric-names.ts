/**
 * Series names shared across layers: the cache and the HTTP client write them, the monitor, the
 * timing summary and the Prometheus exposition read them, so they live on the bottom floor rather
 * than in any of them.
 */

/** The seed's counter names for cache lookups; `PerformanceMonitor` computes `cacheHitRate` from them. */
export const CACHE_HIT_COUNTER = 'cache_hits';
export const CACHE_MISS_COUNTER = 'cache_misses';

/** The HTTP client's series, labelled by host and source (http/client-metrics.ts writes them). */
export const HTTP_TIMING = 'http';
export const HTTP_REQUESTS = 'http.requests';
export const HTTP_RATE_LIMITED = 'http.429';
export const HTTP_RETRIES = 'http.retries';
export const HTTP_BREAKER_REJECTED = 'http.breaker_rejected';
export const HTTP_PACED = 'http.paced';
export const HTTP_PACED_MS = 'http.paced_ms';
/** How the monitor's flat stats name one host's HTTP timing: `http.<host>`. */
export const HTTP_HOST_TIMING_PREFIX = `${HTTP_TIMING}.`;

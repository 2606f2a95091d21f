/**
 * The library entry (`import { ... } from 'qaht'`): the generic resilience core. Importing it
 * has no side effects: no listeners, timers, files or logger are created until something is used.
 */
export { systemClock, abortReason, type Clock } from './time/clock.js';
export {
  QahtError,
  CircuitOpenError,
  isQahtError,
  isCircuitOpenError,
  isRetryableError,
  type QahtErrorCode,
  type QahtErrorOptions,
} from './errors.js';
export {
  CircuitBreaker,
  isBreakerSnapshot,
  type BreakerSnapshot,
  type BreakerStateChange,
  type BreakerStateName,
  type CircuitBreakerOptions,
} from './resilience/circuit-breaker.js';
export {
  AdaptiveRateLimiter,
  type AdaptiveRateLimiterOptions,
  type HostLimits,
  type LimiterHostSnapshot,
  type LimiterSnapshot,
} from './resilience/adaptive-rate-limiter.js';
export { computeBackoffMs, type BackoffOptions, type JitterMode } from './resilience/backoff.js';
export { parseRetryAfter } from './resilience/retry-after.js';
export { retry, type RetryInfo, type RetryOptions } from './resilience/retry.js';
export {
  GracefulDegradation,
  multiSourceFetch,
  staleCacheFallback,
  type FallbackCache,
  type FallbackResult,
  type FallbackStatus,
  type MultiSourceOptions,
  type MultiSourceResult,
  type SourceOutcome,
  type StaleCacheFallbackOptions,
} from './resilience/graceful-degradation.js';
export {
  PerformanceMonitor,
  percentile,
  type MetricLabels,
  type MetricSeries,
  type PerformanceMonitorOptions,
  type PerformanceStats,
  type TimingStats,
} from './perf/performance-monitor.js';
export { CACHE_HIT_COUNTER, CACHE_MISS_COUNTER } from './metric-names.js';
export {
  safeExecute,
  classifyError,
  type SafeExecuteLogger,
  type SafeExecuteOptions,
} from './resilience/safe-execute.js';
export type { ErrorCategory } from './resilience/error-category.js';
// The pooled HTTP client (undici is loaded by this import, but creates nothing until constructed).
export { AsyncAPIClient, type AsyncAPIClientOptions, type BatchResult } from './http/async-api-client.js';
export type { HttpResponse, RequestOptions } from './http/types.js';
export type {
  AttemptEvent,
  BreakerRejectionEvent,
  Disposer,
  PacingEvent,
  RateLimitEvent,
  RequestEvent,
  RetryEvent,
} from './http/client-events.js';

import type { PerformanceMonitor } from '../perf/performance-monitor.js';
import type { JitterMode } from '../resilience/backoff.js';
import type { Clock } from '../time/clock.js';
import type { HostBreaker, HostPacing } from '../resilience/host-policies.js';
import type { HostBreakers } from '../resilience/host-breakers.js';

/** The slice of a pino logger the client uses (a pino `Logger` fits). */
export interface HttpLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

/** Options of `AsyncAPIClient`; every time is in ms, every size in bytes. */
export interface AsyncAPIClientOptions {
  /** Connections per origin in the keep-alive pool. @default 100 */
  maxConnections?: number;
  /** Deadline for one whole attempt (connect, headers, body, redirects), not counting the limiter wait. @default 30_000 */
  timeoutMs?: number;
  /** TCP/TLS connect timeout. @default 10_000 */
  connectTimeoutMs?: number;
  /** Longest wait for response headers. @default timeoutMs */
  headersTimeoutMs?: number;
  /** Longest gap between two body chunks. @default timeoutMs */
  bodyTimeoutMs?: number;
  /** Largest decoded body accepted; past it the connection is dropped. @default 32 MiB */
  maxResponseBytes?: number;
  /** Retries after the first attempt (transient failures only). @default 3 */
  maxRetries?: number;
  /** Backoff before the first retry; doubles per retry, with jitter. @default 2000 */
  retryBaseDelayMs?: number;
  /** Cap on one computed backoff. @default 30_000 */
  retryMaxDelayMs?: number;
  /** Longest server-requested wait (Retry-After or a blocked host) worth waiting for. @default 120_000 */
  maxRetryAfterMs?: number;
  /**
   * Longest wait for a pacing slot (the host's learned delay, the callers in line before it); past
   * it the request is not sent (`QAHT_ERR_DEADLINE`). A run's deadline; unbounded for a long fill.
   * @default Infinity
   */
  maxSlotWaitMs?: number;
  /** Backoff jitter. @default 'full' */
  jitter?: JitterMode;
  /** Redirects followed per attempt. @default 3 */
  maxRedirects?: number;
  /** @default `qaht/<package version>` */
  userAgent?: string;
  /** @default systemClock */
  clock?: Clock;
  /** Receives the client's events as series labelled by host and source (see `client-metrics.ts`). */
  monitor?: PerformanceMonitor;
  /** Per-host pacing (an `AdaptiveRateLimiter`, or a schedule shared through a store). @default a new AdaptiveRateLimiter with defaultDelayMs 0 */
  limiter?: HostPacing;
  /** Breaker for a host (`host:port`); called once per host. @default a new CircuitBreaker per host */
  breakerFor?: (host: string) => HostBreaker;
  /**
   * The run's breaker registry, when the caller keeps one (a run's runtime does: it saves and
   * reports the breakers); `breakerFor` is then not used. @default a registry of `breakerFor`'s breakers
   */
  breakers?: HostBreakers;
  logger?: HttpLogger;
}

/** The defaults, in one place. */
export const CLIENT_DEFAULTS = {
  maxConnections: 100,
  timeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxResponseBytes: 32 * 1024 * 1024,
  maxRetries: 3,
  retryBaseDelayMs: 2000,
  retryMaxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  maxRedirects: 3,
  /** Bytes of an error body quoted in the error message. */
  errorSnippetBytes: 512,
} as const;

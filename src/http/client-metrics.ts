import type { MetricLabels, PerformanceMonitor } from '../perf/performance-monitor.js';
import type { ClientEvents, RequestEvent } from './client-events.js';
import type { HttpLogger } from './client-options.js';
import {
  HTTP_BREAKER_REJECTED,
  HTTP_PACED,
  HTTP_PACED_MS,
  HTTP_RATE_LIMITED,
  HTTP_REQUESTS,
  HTTP_RETRIES,
  HTTP_TIMING,
} from '../metric-names.js';

/**
 * The monitor series and log lines the client's events feed, all labelled with `host` and
 * `source` (never inside a name):
 * - `http.requests` and the timing `http` per attempt, `http` errors for failed ones;
 * - `http.429` per rate limit (soft ones included), `http.retries`, `http.breaker_rejected`,
 *   `http.paced` and `http.paced_ms` (time spent waiting for slots).
 * Rate limits log at warn (a rate-limited source is a degraded run); the rest at debug.
 */
export function recordClientEvents(events: ClientEvents, sinks: { monitor?: PerformanceMonitor; logger?: HttpLogger }): void {
  const { monitor, logger } = sinks;
  // One labels object per host and source, so the monitor finds its series without re-keying.
  const known = new Map<string, MetricLabels>();
  const labelsOf = (event: RequestEvent): MetricLabels => {
    const key = event.source === undefined ? event.host : `${event.host}\u0000${event.source}`;
    const found = known.get(key);
    if (found) return found;
    const labels: Record<string, string> = { host: event.host };
    if (event.source !== undefined) labels.source = event.source;
    Object.freeze(labels);
    known.set(key, labels);
    return labels;
  };
  if (monitor) {
    events.attempt.on((e) => {
      const labels = labelsOf(e);
      monitor.increment(HTTP_REQUESTS, 1, labels);
      monitor.record(HTTP_TIMING, e.durationMs, labels);
      if (e.code !== undefined && e.code !== 'QAHT_ERR_ABORTED') monitor.recordError(HTTP_TIMING, labels);
    });
    events.rateLimit.on((e) => monitor.increment(HTTP_RATE_LIMITED, 1, labelsOf(e)));
    events.retry.on((e) => monitor.increment(HTTP_RETRIES, 1, labelsOf(e)));
    events.breakerRejection.on((e) => monitor.increment(HTTP_BREAKER_REJECTED, 1, labelsOf(e)));
    events.pacing.on((e) => {
      monitor.increment(HTTP_PACED, 1, labelsOf(e));
      monitor.increment(HTTP_PACED_MS, e.waitedMs, labelsOf(e));
    });
  }
  if (logger) {
    events.rateLimit.on(({ host, source, url, status, soft, retryAfterMs, delayMs }) =>
      logger.warn({ host, source, url, status, soft, retryAfterMs, delayMs: Math.round(delayMs) }, `rate limited by ${host}`),
    );
    events.retry.on(({ url, source, attempt, delayMs, code }) =>
      logger.debug({ url, source, attempt, delayMs: Math.round(delayMs), code }, 'retrying request'),
    );
    events.breakerRejection.on(({ host, source, url, retryAfterMs }) =>
      logger.debug({ host, source, url, retryAfterMs }, `circuit open for ${host}: not sent`),
    );
    events.pacing.on(({ host, source, waitedMs }) => logger.debug({ host, source, waitedMs: Math.round(waitedMs) }, `paced ${host}`));
  }
}

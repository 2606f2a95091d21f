/**
 * The run's HTTP client, made on first use (so a run served from cache never loads undici): one
 * client for every source and webhook of the run, on the run's limiter and breaker registry, its
 * rate limits recorded as each one happens (so `status` counts soft ones too) and its retries and
 * pacing shown on the pending line.
 */
import type { AsyncAPIClient } from '../http/async-api-client.js';
import { CLIENT_DEFAULTS } from '../http/client-options.js';
import type { RunSettings } from '../options/run-options.js';
import type { Logger } from '../output/logger.js';
import type { PerformanceMonitor } from '../perf/performance-monitor.js';
import type { HostBreakers } from '../resilience/host-breakers.js';
import type { HostPacing } from '../resilience/host-policies.js';
import type { SourceHistoryPort } from '../store/store-ports.js';
import type { Clock } from '../time/clock.js';
import type { RunLines } from './run-lines.js';

export interface LazyClient {
  get(): Promise<AsyncAPIClient>;
  /** Closes the client if one was made. */
  close(): Promise<void>;
}

export function lazyClient(
  settings: RunSettings,
  run: { clock: Clock; monitor: PerformanceMonitor; pacing: HostPacing; breakers: HostBreakers; logger: Logger },
  history: SourceHistoryPort,
  lines: RunLines,
): LazyClient {
  let client: Promise<AsyncAPIClient> | undefined;
  return {
    get() {
      // One promise, so sources asking at the same moment share one client (and one connection pool).
      client ??= import('../http/async-api-client.js').then(({ AsyncAPIClient }) => {
        const { timeoutMs, maxRetries, retryBaseMs: retryBaseDelayMs, deadlineMs } = settings;
        const made = new AsyncAPIClient({
          timeoutMs,
          maxRetries,
          retryBaseDelayMs,
          // No wait outlives the run's deadline: a longer slot, block or Retry-After fails at once.
          maxRetryAfterMs: waitBoundMs(deadlineMs),
          maxSlotWaitMs: deadlineMs,
          ...run,
          limiter: run.pacing,
        });
        made.onRateLimit((event) => event.source !== undefined && history.recordRateLimit(event.source, event.at));
        lines.follow(made, maxRetries);
        return made;
      });
      return client;
    },
    close: async () => (client ? (await client).close() : undefined),
  };
}

/** The longest single server-requested wait of a run: its deadline, never past the client's own bound. */
export function waitBoundMs(deadlineMs: number): number {
  return Math.min(CLIENT_DEFAULTS.maxRetryAfterMs, deadlineMs);
}

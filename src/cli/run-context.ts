import type { SourceReport } from '../commands/command-result.js';
import type { Runtime } from '../commands/runtime.js';
import type { AsyncAPIClient } from '../http/async-api-client.js';
import { PerformanceMonitor } from '../perf/performance-monitor.js';
import { AdaptiveRateLimiter, type LimiterSnapshot } from '../resilience/adaptive-rate-limiter.js';
import { BREAKER_FAILURE_THRESHOLD, BREAKER_RECOVERY_MS } from '../resilience/breaker-defaults.js';
import { CircuitBreaker, isBreakerSnapshot } from '../resilience/circuit-breaker.js';
import { DOCUMENTED_DELAY_MS } from '../sources/documented-rates.js';
import { apiKeysIn, hostsFor, SOURCE_NAMES, type Env } from '../sources/source-names.js';
import { settlePendingWrites } from '../store/atomic-write.js';
import { DiskCache } from '../store/disk-cache.js';
import { releaseHeldLocksSync } from '../store/file-lock.js';
import { utcDay } from '../store/state-file.js';
import { StateStore } from '../store/state-store.js';
import { systemClock, type Clock } from '../time/clock.js';
import { EXIT } from './exit-codes.js';
import { createLogger, type Logger } from './logger.js';
import { createProgress } from './progress.js';
import type { RunSettings } from './settings.js';
import type { OutputStream } from './terminal.js';

export interface RunContextOptions {
  settings: RunSettings;
  env: Env;
  stderr: OutputStream;
  interactive: boolean;
  clock?: Clock;
}

export interface RunContext {
  runtime: Runtime;
  monitor: PerformanceMonitor;
  breakers: Map<string, CircuitBreaker>;
  logger: Logger;
  metrics(): ReturnType<PerformanceMonitor['getStats']>;
  /** Records the run's outcome in the state store and writes the metrics file. */
  finish(outcome: { sources: SourceReport[]; metricsFile: string | undefined; offline: boolean }): Promise<void>;
  /** Installs SIGINT/SIGTERM handlers that persist state, then exit 130/143; returns the uninstaller. */
  onInterrupt(): () => void;
  /** Saves breaker and limiter state and closes the HTTP client. Safe to call twice. */
  close(): Promise<void>;
}

/** On SIGINT/SIGTERM, how long saving state may take (another run may hold its lock) before the exit. */
const INTERRUPT_SAVE_MS = 3000;
/** ...and how long cache writes already under way may take to land. */
const INTERRUPT_SETTLE_MS = 1_000;

/**
 * Builds one run's runtime: the cache dir (checked: unwritable → exit 2), the state store with the
 * breakers and limiter learned by earlier runs, and an HTTP client created only on first use.
 */
export async function createRunContext(options: RunContextOptions): Promise<RunContext> {
  const { settings, env } = options;
  const clock = options.clock ?? systemClock;
  const dir = settings.cacheDir;
  const logger = createLogger({ level: settings.logLevel, file: settings.logFile, stderr: options.stderr, env });
  const monitor = new PerformanceMonitor({ clock });
  const warn = (message: string): void => {
    if (!settings.quiet) options.stderr.write(`warning: ${message}\n`);
  };
  // The keys themselves, as a last line of defence should an API echo one back into a cached body.
  // A cache that stops caching (full disk, a directory in an entry's place) says so once.
  const cache = await DiskCache.open({ dir, clock, monitor, secrets: apiKeysIn(env), onWarning: warn });
  const state = await StateStore.load(dir, { clock });

  const limiter = new AdaptiveRateLimiter({ defaultDelayMs: settings.paceMs ?? 1000, clock });
  for (const source of SOURCE_NAMES) {
    // The documented rate is also the floor: learning may slow a host down, never push it past its API's limit.
    const delayMs = settings.paceMs ?? DOCUMENTED_DELAY_MS[source];
    for (const host of hostsFor(source, env)) {
      limiter.configureHost(host, { defaultDelayMs: delayMs, minDelayMs: delayMs });
    }
  }
  const learned: LimiterSnapshot = {};
  const breakers = new Map<string, CircuitBreaker>();
  const breakerFor = (host: string): CircuitBreaker => {
    let breaker = breakers.get(host);
    if (!breaker) {
      const saved = state.host(host)?.breaker;
      breaker = new CircuitBreaker({
        failureThreshold: BREAKER_FAILURE_THRESHOLD,
        recoveryTimeoutMs: BREAKER_RECOVERY_MS,
        clock,
        name: host,
        ...(isBreakerSnapshot(saved) ? { initialState: saved } : {}),
      });
      breaker.onStateChange((change) => logger.info({ host, from: change.from, to: change.to }, 'circuit breaker changed state'));
      breakers.set(host, breaker);
    }
    return breaker;
  };
  for (const [host, saved] of Object.entries(state.state.hosts)) {
    if (saved.limiter && typeof saved.limiter === 'object') learned[host] = saved.limiter as LimiterSnapshot[string];
  }
  limiter.restore(learned);

  let client: AsyncAPIClient | undefined;
  // One promise, so sources asking at the same moment share one client (and one connection pool).
  let creating: Promise<AsyncAPIClient> | undefined;
  let closed = false;
  const runtime: Runtime = {
    env,
    clock,
    http() {
      creating ??= import('../http/async-api-client.js').then(({ AsyncAPIClient }) => {
        client = new AsyncAPIClient({
          timeoutMs: settings.timeoutMs,
          maxRetries: settings.maxRetries,
          retryBaseDelayMs: settings.retryBaseMs,
          clock,
          monitor,
          limiter,
          breakerFor,
          logger,
        });
        return client;
      });
      return creating;
    },
    cache,
    budgets: {
      consume: (name, amount, limit) => state.consumeBudget(name, utcDay(clock.now()), amount, limit),
      remaining: async (name, limit) => Math.max(0, limit - state.budgetUsed(name, utcDay(clock.now()))),
    },
    progress: createProgress(options.stderr, options.interactive && !settings.quiet, clock),
    increment: (name, by) => monitor.increment(name, by),
    warn,
  };

  const persist = async (): Promise<void> => {
    // Only hosts this run called (every attempt goes through `breakerFor`) are written: a host it
    // never touched keeps what an earlier or overlapping run saved, under that run's timestamp.
    const limits = limiter.toJSON();
    for (const [host, breaker] of breakers) state.setHost(host, { breaker: breaker.toJSON(), limiter: limits[host] });
    await state.flush();
  };

  return {
    runtime,
    monitor,
    breakers,
    logger,
    metrics: () => monitor.getStats(),
    async finish({ sources, metricsFile, offline }) {
      const now = clock.now();
      const stats = monitor.getStats();
      for (const report of sources) {
        logger.info(
          { source: report.name, status: report.status, items: report.items, ageSeconds: report.ageSeconds, error: report.error },
          'source outcome',
        );
        if (report.status === 'fresh') state.recordSourceSuccess(report.name, now);
        // An --offline run chose not to ask: that is no failure of the source.
        if (!offline && (report.status === 'failed' || (report.status === 'stale' && report.error))) {
          state.recordSourceFailure(report.name, now, report.error ?? 'unknown error');
        }
        // 429s are counted per host by the client; a source owns the hosts of its base URLs.
        const hits = hostsFor(report.name, env).reduce((sum, host) => sum + (stats.counters[`http.429.${host}`] ?? 0), 0);
        // One event per 429; the store keeps events as distinct timestamps, hence the 1 ms steps.
        for (let i = 0; i < hits; i++) state.recordRateLimit(report.name, now - i);
      }
      if (metricsFile) {
        const { writeMetricsFile } = await import('../output/prometheus.js');
        await writeMetricsFile(metricsFile, { stats, sources, breakers, nowMs: now, history: state.state.sources });
      }
    },
    onInterrupt() {
      const handler = (signal: NodeJS.Signals): void => {
        logger.warn({ signal }, 'interrupted; saving state');
        // A state lock held by another run must not keep an interrupted process alive: bounded wait.
        void Promise.race([persist(), new Promise((resolve) => setTimeout(resolve, INTERRUPT_SAVE_MS).unref())])
          .catch(() => undefined)
          // Let cache writes already under way land, then drop the locks of fetches that never will:
          // no temp file or lock of this run is left in the cache dir.
          .then(() => settlePendingWrites(INTERRUPT_SETTLE_MS))
          .finally(() => {
            releaseHeldLocksSync();
            process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
          });
      };
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
      return () => {
        process.removeListener('SIGINT', handler);
        process.removeListener('SIGTERM', handler);
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await persist();
      } catch (error) {
        // The results are already printed; losing one run's learning is worth a warning, not a failure.
        logger.warn({ err: error }, 'could not save resilience state');
        if (!settings.quiet)
          options.stderr.write(`warning: could not save state: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      await client?.close();
      await logger.flush();
    },
  };
}

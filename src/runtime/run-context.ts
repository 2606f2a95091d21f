/**
 * A run's context: its store (open-store.ts), its hosts' limiter and one breaker registry
 * (hosts.ts), the HTTP client made on first use (so a run served from cache never loads undici),
 * its outcome record (run-record.ts), and its interrupt, which ends through one bounded shutdown
 * list (shutdown.ts).
 */
import type { AsyncAPIClient } from '../http/async-api-client.js';
import { createLogger } from '../output/logger.js';
import { PerformanceMonitor } from '../perf/performance-monitor.js';
import { redactText } from '../redact.js';
import { apiKeysIn } from '../sources/source-names.js';
import { systemClock } from '../time/clock.js';
import { breakerRegistry, openPacing } from './hosts.js';
import { openStore } from './open-store.js';
import { recordOutcome } from './run-record.js';
import type { RunContext, RunContextOptions, Runtime } from './runtime.js';
import { lazyClient } from './run-client.js';
import { runLines, warningLine } from './run-lines.js';
import { saveOnInterrupt } from './shutdown.js';
import { logStoreFallback, storeRecovery } from './store-fallback.js';

export type { RunContext, RunContextOptions } from './runtime.js';

export async function createRunContext(options: RunContextOptions): Promise<RunContext> {
  const { settings, env, mode = 'normal' } = options;
  const clock = options.clock ?? systemClock;
  const secrets = apiKeysIn(env);
  const redact = (text: string): string => redactText(text, secrets);
  // A person at a terminal reads one line per record; files and pipes get the JSON.
  const human = options.stderr.isTTY === true;
  const logger = createLogger({ level: settings.logLevel, file: settings.logFile, stderr: options.stderr, secrets, human });
  const monitor = new PerformanceMonitor({ clock });
  const warn = warningLine(options.stderr, settings.quiet, redact);
  const hosts = openPacing(settings, env, clock, options.baseUrls);
  const injectedClock = clock !== systemClock;
  const onFallback = logStoreFallback(settings, logger, redact);
  const store = await openStore({ settings, clock, injectedClock, monitor, secrets, warn, onFallback, limiter: hosts.limiter });
  hosts.restore(store.state);
  const recovery = storeRecovery(store, settings, logger, redact);
  const pacing = store.shared?.pacer ?? hosts.limiter;
  const breakers = breakerRegistry(store.breakerFor, pacing, logger);
  const lines = runLines(options.stderr, options.interactive && !settings.quiet, env, clock);
  const client = lazyClient(settings, { clock, monitor, pacing, breakers, logger }, store.history, lines);
  const http = (): Promise<AsyncAPIClient> => client.get();
  let closed = false;
  const runtime: Runtime = {
    ...{ env, clock, http, baseUrls: hosts.baseUrls, cache: store.cache.view(mode), budgets: store.budgets, history: store.candles },
    ...{ progress: lines.progress, pending: lines.pending },
    increment: (name, by, labels) => monitor.increment(name, by, labels),
    warn,
    journal: store.journal,
  };
  const save = (): Promise<void> => store.save(breakers.all, pacing);
  return {
    runtime,
    pending: lines.pending,
    cacheView: (viewMode) => store.cache.view(viewMode),
    monitor,
    breakers: breakers.all,
    breakerFor: (host) => breakers.for(host),
    hostsOf: hosts.hostsOf,
    logger,
    redact,
    memory: store.memory,
    poster: http,
    store: store.describe,
    storeFallback: recovery.storeFallback,
    reconnectStore: recovery.reconnectStore,
    metrics: () => monitor.getStats(),
    save,
    finish: (outcome) =>
      recordOutcome(outcome, { logger, history: store.history, monitor, breakers, mode, clock, ...recovery.fallbackGauge() }),
    onInterrupt() {
      if (!options.interrupts) return () => undefined;
      return saveOnInterrupt(options.interrupts, save, (signal) => {
        // One human line on the terminal, where the progress line was; the log has the record.
        runtime.progress.end();
        lines.pending.end();
        options.stderr.write(`${options.bin ?? 'screen'}: interrupted (${signal}); saving state\n`);
        logger[settings.logFile ? 'warn' : 'info']({ signal }, 'interrupted; saving state');
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await save().catch((error: unknown) => {
        // The results are already printed; losing one run's learning is worth a warning, not a failure.
        logger.warn({ err: error }, 'could not save resilience state');
        warn(`could not save state: ${error instanceof Error ? error.message : String(error)}`);
      });
      await client.close();
      await store.close();
      await logger.flush();
    },
  };
}

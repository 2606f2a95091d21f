/**
 * A run's context: its store (open-store.ts), its hosts' limiter and one breaker registry
 * (hosts.ts), the HTTP client made on first use (so a run served from cache never loads undici),
 * its outcome record (run-record.ts), and its interrupt, which ends through one bounded shutdown
 * list (shutdown.ts).
 */
import type { AsyncAPIClient } from '../http/async-api-client.js';
import { createLogger } from '../output/logger.js';
import { shortReason } from '../output/short-reason.js';
import { PerformanceMonitor } from '../perf/performance-monitor.js';
import { redactText } from '../redact.js';
import { apiKeysIn } from '../sources/source-names.js';
import { systemClock } from '../time/clock.js';
import { breakerRegistry, openPacing } from './hosts.js';
import { openStore } from './open-store.js';
import { recordOutcome } from './run-record.js';
import type { RunContext, RunContextOptions, Runtime } from './runtime.js';
import { lazyClient } from './run-client.js';
import { runLines } from './run-lines.js';
import { saveOnInterrupt } from './shutdown.js';

export type { RunContext, RunContextOptions } from './runtime.js';

/** Longest warning line: room for a path or two. */
const WARNING_MAX_CHARS = 300;

export async function createRunContext(options: RunContextOptions): Promise<RunContext> {
  const { settings, env, mode = 'normal' } = options;
  const clock = options.clock ?? systemClock;
  const secrets = apiKeysIn(env);
  const redact = (text: string): string => redactText(text, secrets);
  // A person at a terminal reads one line per record; files and pipes get the JSON.
  const human = options.stderr.isTTY === true;
  const logger = createLogger({ level: settings.logLevel, file: settings.logFile, stderr: options.stderr, secrets, human });
  const monitor = new PerformanceMonitor({ clock });
  // A warning is a terminal line: an API's words in it lose their URLs and bodies (`shortReason`); the log has them whole.
  const warn = (message: string): void => {
    if (!settings.quiet) options.stderr.write(`warning: ${shortReason(redact(message), WARNING_MAX_CHARS)}\n`);
  };
  const hosts = openPacing(settings, env, clock, options.baseUrls);
  const injectedClock = clock !== systemClock;
  // A shared store that cannot be reached is a degraded run, not a silent one: a warn record and
  // `qaht_store_fallback` (besides the warning line), and `--strict` exits 3.
  const onFallback = (reason: string): void => {
    const store = settings.store.kind === 'redis' ? settings.store.safeUrl : 'file';
    logger.warn({ store, reason: redact(reason) }, 'store fallback: using the file store');
  };
  const store = await openStore({ settings, clock, injectedClock, monitor, secrets, warn, onFallback, limiter: hosts.limiter });
  hosts.restore(store.state);
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
    storeFallback: () => (store.fallback() === undefined ? undefined : redact(store.fallback()!)),
    async reconnectStore() {
      if (store.fallback() === undefined) return true;
      const back = await store.reconnect();
      if (back) logger.warn({ store: store.describe().label }, 'store back: using the redis store again');
      return back;
    },
    metrics: () => monitor.getStats(),
    save,
    finish: (outcome) =>
      recordOutcome(outcome, {
        logger,
        history: store.history,
        monitor,
        breakers,
        mode,
        clock,
        ...(settings.store.kind === 'redis' ? { storeFallback: store.fallback() === undefined ? 0 : 1 } : {}),
      }),
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

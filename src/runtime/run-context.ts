import type { AsyncAPIClient } from '../http/async-api-client.js';
import type { HttpPoster } from '../http/types.js';
import { CLIENT_DEFAULTS } from '../http/client-options.js';
import type { HostBreaker, HostPacing } from '../resilience/host-policies.js';
import type { RunSettings } from '../options/run-options.js';
import { createLogger, type Logger } from '../output/logger.js';
import type { OutputStream } from '../output/output-stream.js';
import { createPendingWork, type PendingWork } from '../output/pending-line.js';
import { createProgress } from '../output/progress.js';
import { shortReason } from '../output/short-reason.js';
import { isDegraded } from '../output/status-lines.js';
import { PerformanceMonitor } from '../perf/performance-monitor.js';
import { redactText } from '../redact.js';
import type { SourceReport } from '../report.js';
import { AdaptiveRateLimiter, type LimiterSnapshot } from '../resilience/adaptive-rate-limiter.js';
import { BREAKER_FAILURE_THRESHOLD, BREAKER_RECOVERY_MS, SHARED_BREAKER_RULES } from '../resilience/breaker-defaults.js';
import { type BreakerSnapshot, CircuitBreaker, isBreakerSnapshot } from '../resilience/circuit-breaker.js';
import { DOCUMENTED_DELAY_MS, UNDOCUMENTED_HOST_PACING } from '../sources/documented-rates.js';
import { apiKeysIn, baseUrlsFor, hostOf, hostsFor, SOURCE_NAMES, type Env, type SourceName } from '../sources/source-names.js';
import { settlePendingWrites } from '../store/file/atomic-write.js';
import type { CacheMode, CacheView } from '../store/cache-types.js';
import { DiskCache } from '../store/file/disk-cache.js';
import { releaseHeldLocksSync } from '../store/file/file-lock.js';
import { sweepLeftovers } from '../store/file/leftover-sweep.js';
import type { RunMemory } from '../store/run-memory.js';
import { fileBudgets, fileHistory } from '../store/file/file-ports.js';
import { FileJournal } from '../store/file/file-journal.js';
import { FileRunMemory } from '../store/file/file-run-memory.js';
import type { JournalPort } from '../store/journal-port.js';
import { StateStore } from '../store/file/state-store.js';
import { nodeStoreFs } from '../store/file/store-fs.js';
import { FileCandleStore } from '../store/file/file-candle-store.js';
import { MemoryWeightBudget } from '../store/history/weight-budget.js';
import { systemClock, type Clock } from '../time/clock.js';
import type { Interrupts } from './interrupts.js';
import type { Runtime } from './runtime.js';
import type { SharedStore } from './shared-store.js';

export interface RunContextOptions {
  /** The name messages start with (the bin as invoked). @default 'screen' */
  bin?: string;
  settings: RunSettings;
  env: Env;
  stderr: OutputStream;
  interactive: boolean;
  /** The run's cache mode, fixed here for every lookup of the run. @default 'normal' */
  mode?: CacheMode;
  clock?: Clock;
  /** SIGINT/SIGTERM, when the run can receive them (see `onInterrupt`). */
  interrupts?: Interrupts;
  /**
   * Where each source's API is, asked when the source first fetches (`--demo`: its loopback
   * server, started then). @default `baseUrlsFor(source, env)`
   */
  baseUrls?: (source: SourceName) => Promise<readonly string[]>;
}

export interface RunContext {
  runtime: Runtime;
  /** The pending-work line; `end` it before results print. */
  pending: PendingWork;
  /** The run's cache in another mode (`--watch`'s `r`: one refresh that fetches now). */
  cacheView(mode: CacheMode): CacheView;
  monitor: PerformanceMonitor;
  breakers: Map<string, HostBreaker>;
  /** The hosts a source's requests go to: its environment's, or the ones resolved so far (`RunContextOptions.baseUrls`). */
  hostsOf(source: SourceName): string[];
  /** Which store serves the run: `redis` while a shared store answers, else `file` (the default, or a fallback). */
  store(): { kind: 'file' | 'redis'; label: string };
  /** Why the run uses the file store although `--store` named Redis (unreachable at start, or gone since); undefined otherwise. */
  storeFallback(): string | undefined;
  /** A long-lived process's way back to a shared store that went down: true once it is used again. Never throws. */
  reconnectStore(): Promise<boolean>;
  logger: Logger;
  /**
   * The one redaction for text that carries an API's words (error messages, stored failure
   * reasons, warnings): every API key of the environment, whichever source it belongs to, and
   * anything shaped like a credential (`redactText`).
   */
  redact(text: string): string;
  /** Small documents kept between runs (`--changes`' shown rows, alert states): beside the state, or in the shared store. */
  memory: RunMemory;
  /** The run's HTTP client for POSTs (webhooks): the same client, breakers and limiter as the sources'. */
  poster(): Promise<HttpPoster>;
  metrics(): ReturnType<PerformanceMonitor['getStats']>;
  /** Records the run's outcome in the state store and writes the metrics file. */
  finish(outcome: { command: string; sources: SourceReport<SourceName>[]; metricsFile: string | undefined }): Promise<void>;
  /**
   * Saves what the runs so far learned (breaker and limiter state of the hosts they called, source
   * history) without closing anything: a long-lived context (`screen serve`, `--watch`) calls it
   * after each refresh. @throws the state store's error (QAHT_ERR_CACHE_DIR, QAHT_ERR_LOCK_TIMEOUT).
   */
  save(): Promise<void>;
  /** Listens for an interrupt that saves state, then ends the process (`Interrupts.exit`); returns the uninstaller. */
  onInterrupt(): () => void;
  /** Saves breaker and limiter state and closes the HTTP client. Safe to call twice. */
  close(): Promise<void>;
}

/** Longest warning line: room for a path or two. */
const WARNING_MAX_CHARS = 300;
/** A state lock whose heartbeat is older than this is abandoned (the state store's own default). */
const STATE_LOCK_STALE_MS = 30_000;
/** On SIGINT/SIGTERM, how long saving state may take (another run may hold its lock) before the exit. */
const INTERRUPT_SAVE_MS = 3000;
/** ...and how long cache writes already under way may take to land. */
const INTERRUPT_SETTLE_MS = 1_000;

/** Every temp and lock file in the state folder is the store's (it holds nothing else). Never throws. */
async function sweepStateDir(stateDir: string, clock: Clock): Promise<void> {
  await sweepLeftovers({
    ownedDir: stateDir,
    sharedDir: stateDir,
    ownedPrefixes: [],
    clock,
    lockStaleMs: STATE_LOCK_STALE_MS,
    fs: nodeStoreFs,
  });
}

/**
 * Builds one run's runtime: the cache dir (checked: unwritable → exit 2), the state store with the
 * breakers and limiter learned by earlier runs, and an HTTP client created only on first use.
 * With `--store redis://…` the cache, pacing, breakers, budgets and history are the shared
 * store's (its modules loaded only then), each with the file store behind it for when Redis
 * cannot be reached; host state is then saved to the file only by a run that lost Redis.
 */
export async function createRunContext(options: RunContextOptions): Promise<RunContext> {
  const { settings, env, mode = 'normal' } = options;
  const clock = options.clock ?? systemClock;
  const dir = settings.cacheDir;
  const secrets = apiKeysIn(env);
  const redact = (text: string): string => redactText(text, secrets);
  // A person at a terminal reads one line per record; files and pipes get the JSON.
  const logger = createLogger({
    level: settings.logLevel,
    file: settings.logFile,
    stderr: options.stderr,
    secrets,
    human: options.stderr.isTTY === true,
  });
  const monitor = new PerformanceMonitor({ clock });
  // A warning is a terminal line: an API's words in it lose their URLs and bodies (`shortReason`); the log has them whole.
  const warn = (message: string): void => {
    if (!settings.quiet) options.stderr.write(`warning: ${shortReason(redact(message), WARNING_MAX_CHARS)}\n`);
  };
  // The keys themselves, as a last line of defence should an API echo one back into a cached body.
  // A cache that stops caching (full disk, a directory in an entry's place) says so once.
  const cache = await DiskCache.open({ dir, clock, monitor, secrets, onWarning: warn });
  // State in a folder of its own (an installed package's $XDG_STATE_HOME/qaht): what a killed run
  // left there (temp files, its state lock) is swept here, as the cache sweeps its own folder.
  if (settings.stateDir !== dir) await sweepStateDir(settings.stateDir, clock);
  const state = await StateStore.load(settings.stateDir, { clock });

  const limiter = new AdaptiveRateLimiter({
    defaultDelayMs: settings.paceMs ?? UNDOCUMENTED_HOST_PACING.defaultDelayMs,
    rampUpHalvingMs: UNDOCUMENTED_HOST_PACING.rampUpHalvingMs,
    clock,
  });
  // The documented rate is also the floor: learning may slow a host down, never push it past its API's limit.
  const configureHosts = (source: SourceName, hosts: readonly string[]): void => {
    const documentedDelayMs = settings.paceMs ?? DOCUMENTED_DELAY_MS[source];
    for (const host of hosts) limiter.configureHost(host, { documentedDelayMs });
  };
  // Hosts resolved on first use (the demo's) are configured then, before their first request.
  const resolvedHosts = new Map<SourceName, string[]>();
  const hostsOf = (source: SourceName): string[] => (options.baseUrls ? (resolvedHosts.get(source) ?? []) : hostsFor(source, env));
  if (!options.baseUrls) for (const source of SOURCE_NAMES) configureHosts(source, hostsFor(source, env));
  const learned: LimiterSnapshot = {};
  const localBreaker = (host: string, saved: unknown): CircuitBreaker =>
    new CircuitBreaker({
      failureThreshold: BREAKER_FAILURE_THRESHOLD,
      recoveryTimeoutMs: BREAKER_RECOVERY_MS,
      clock,
      name: host,
      ...(isBreakerSnapshot(saved) ? { initialState: saved } : {}),
    });
  // In the state store's own folder, so it moves wherever the state does; made only by a run that
  // keeps something (--changes, alert rules). A shared store falls back to it.
  const fileMemory = lazyRunMemory(async () => new FileRunMemory(state.dir, { clock }));
  // Beside the state, so a demo run's journal stays in the demo folder.
  const fileJournal = new FileJournal(settings.stateDir);
  // A shared store that cannot be reached is a degraded run, not a silent one: a warn record and
  // `qaht_store_fallback` (besides the warning line), and `--strict` exits 3.
  let fallbackReason: string | undefined;
  const onFallback = (reason: string): void => {
    fallbackReason = redact(reason);
    logger.warn(
      { store: settings.store.kind === 'redis' ? settings.store.safeUrl : 'file', reason: fallbackReason },
      'store fallback: using the file store',
    );
  };
  const shared =
    settings.store.kind === 'redis'
      ? await openShared(settings, {
          clock,
          options,
          limiter,
          localBreaker,
          state,
          cache,
          monitor,
          secrets,
          warn,
          fileMemory,
          fileJournal,
          onFallback,
        })
      : undefined;
  const budgets = shared?.budgets ?? fileBudgets(state, clock);
  const fileCandles = new FileCandleStore(dir, { clock });
  const history = shared?.history ?? fileHistory(state);
  const pacing: HostPacing = shared?.pacer ?? limiter;
  const breakers = new Map<string, HostBreaker>();
  const breakerFor = (host: string): HostBreaker => {
    let breaker = breakers.get(host);
    if (!breaker) {
      breaker = shared ? shared.breakerFor(host) : localBreaker(host, state.host(host)?.breaker);
      breaker.onStateChange((change) => logger.info({ host, from: change.from, to: change.to }, 'circuit breaker changed state'));
      breakers.set(host, breaker);
    }
    return breaker;
  };
  for (const [host, saved] of Object.entries(state.state.hosts)) {
    if (saved.limiter && typeof saved.limiter === 'object') learned[host] = saved.limiter as LimiterSnapshot[string];
  }
  limiter.restore(learned);

  // A line that says what the run waits for: a person at a terminal only (never a pipe, --quiet or TERM=dumb).
  const progress = createProgress(options.stderr, options.interactive && !settings.quiet, clock);
  let progressShown = false;
  const pending = createPendingWork(options.stderr, {
    enabled: options.interactive && !settings.quiet && env.TERM !== 'dumb',
    clock,
    // A progress bar (market quotes) says it already.
    busy: () => progressShown,
  });
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
          // No wait outlives the run's deadline: a longer slot, block or Retry-After fails at once.
          maxRetryAfterMs: waitBoundMs(settings.deadlineMs),
          maxSlotWaitMs: settings.deadlineMs,
          maxRetries: settings.maxRetries,
          retryBaseDelayMs: settings.retryBaseMs,
          clock,
          monitor,
          limiter: pacing,
          breakerFor,
          logger,
        });
        // Recorded as each one happens, so `status` counts every rate limit, soft ones included.
        client.onRateLimit((event) => {
          if (event.source !== undefined) history.recordRateLimit(event.source, event.at);
        });
        client.onRetry((event) => {
          if (event.source !== undefined) pending.retrying(event.source, event.attempt, settings.maxRetries, event.at + event.delayMs);
        });
        client.onQueue((event) => {
          if (event.source === undefined) return;
          if (event.waiting) pending.paced(event.source, event.blockedUntil);
          else pending.sent(event.source);
        });
        return client;
      });
      return creating;
    },
    async baseUrls(source) {
      if (!options.baseUrls) return baseUrlsFor(source, env);
      const bases = await options.baseUrls(source);
      if (!resolvedHosts.has(source)) {
        const hosts = [...new Set(bases.map(hostOf).filter((host): host is string => host !== undefined))];
        resolvedHosts.set(source, hosts);
        configureHosts(source, hosts);
      }
      return bases;
    },
    cache: (shared?.cache ?? cache).view(mode),
    budgets,
    history: shared ? { candles: shared.candles, weight: shared.weight } : { candles: fileCandles, weight: new MemoryWeightBudget(clock) },
    progress: {
      start(label, total) {
        progressShown = true;
        progress.start(label, total);
      },
      tick: (done) => progress.tick(done),
      stop() {
        progressShown = false;
        progress.stop();
      },
      end() {
        progressShown = false;
        progress.end();
      },
    },
    pending,
    increment: (name, by, labels) => monitor.increment(name, by, labels),
    warn,
    journal: shared?.journal ?? fileJournal,
  };

  const persist = async (): Promise<void> => {
    await shared?.flush();
    // A shared store keeps each host's breaker and pace live; only a run that lost it saves them here.
    if (!shared?.connection.up) {
      // Only hosts this run called (every attempt goes through `breakerFor`) are written: a host it
      // never touched keeps what an earlier or overlapping run saved, under that run's timestamp.
      const limits = pacing.toJSON();
      for (const [host, breaker] of breakers) state.setHost(host, { breaker: breaker.toJSON(), limiter: limits[host] });
    }
    await history.flush();
  };

  return {
    runtime,
    pending,
    cacheView: (viewMode) => (shared?.cache ?? cache).view(viewMode),
    monitor,
    breakers,
    hostsOf,
    logger,
    redact,
    memory: shared?.memory ?? fileMemory,
    poster: async () => {
      await runtime.http();
      return client as AsyncAPIClient;
    },
    store: () => (shared?.connection.up ? { kind: 'redis', label: shared.connection.location.safeUrl } : { kind: 'file', label: dir }),
    storeFallback: () =>
      settings.store.kind === 'redis' && !shared?.connection.up ? (fallbackReason ?? 'redis store unavailable') : undefined,
    async reconnectStore() {
      if (!shared) return false;
      if (shared.connection.up) return true;
      const back = await shared.rejoin();
      if (back) {
        fallbackReason = undefined;
        logger.warn({ store: shared.connection.location.safeUrl }, 'store back: using the redis store again');
      }
      return back;
    },
    metrics: () => monitor.getStats(),
    save: persist,
    async finish({ command, sources, metricsFile }) {
      const now = clock.now();
      for (const report of sources) {
        const fields = {
          source: report.name,
          status: report.status,
          items: report.items,
          ageSeconds: report.ageSeconds,
          error: report.error,
        };
        // A degraded source is worth a line at the default level (CONTRACT "Logs"), so a cron
        // job's log file records every degraded run and stays empty when all is well.
        if (isDegraded(report)) logger.warn(fields, `${report.name} ${report.status}${report.veryStale ? ' (very stale)' : ''}`);
        else logger.info(fields, 'source outcome');
        if (report.status === 'fresh') history.recordSuccess(report.name, now);
        // An --offline run chose not to ask: that is no failure of the source.
        if (mode !== 'offline' && (report.status === 'failed' || (report.status === 'stale' && report.error))) {
          history.recordFailure(report.name, now, report.error ?? 'unknown error');
        }
      }
      if (!sources.some((report) => report.status === 'fresh' || report.status === 'cached' || report.status === 'stale')) {
        logger.error({ sources: sources.map((report) => report.name) }, 'no results: every source failed and no cache could serve');
      }
      if (metricsFile) {
        const { writeMetricsFile } = await import('../output/prometheus.js');
        await writeMetricsFile(metricsFile, {
          command,
          stats: monitor.getStats(),
          series: monitor.series(),
          sources,
          breakers,
          nowMs: now,
          history: await history.read(SOURCE_NAMES),
          ...(settings.store.kind === 'redis' ? { storeFallback: shared?.connection.up ? 0 : 1 } : {}),
        });
      }
    },
    onInterrupt() {
      const interrupts = options.interrupts;
      if (!interrupts) return () => undefined;
      return interrupts.subscribe((signal) => {
        // One human line on the terminal, where the progress line was; the log (a file's, or at
        // info on stderr, so no JSON lands on the terminal at the default level) has the record.
        runtime.progress.end();
        pending.end();
        options.stderr.write(`${options.bin ?? 'screen'}: interrupted (${signal}); saving state\n`);
        if (settings.logFile) logger.warn({ signal }, 'interrupted; saving state');
        else logger.info({ signal }, 'interrupted; saving state');
        // A state lock held by another run must not keep an interrupted process alive: bounded wait.
        void Promise.race([persist(), new Promise((resolve) => setTimeout(resolve, INTERRUPT_SAVE_MS).unref())])
          .catch(() => undefined)
          // Let cache writes already under way land, then drop the locks of fetches that never will:
          // no temp file or lock of this run is left in the cache dir.
          .then(() => settlePendingWrites(INTERRUPT_SETTLE_MS))
          .finally(() => {
            releaseHeldLocksSync();
            interrupts.exit(signal);
          });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await persist();
      } catch (error) {
        // The results are already printed; losing one run's learning is worth a warning, not a failure.
        logger.warn({ err: error }, 'could not save resilience state');
        if (!settings.quiet) warn(`could not save state: ${error instanceof Error ? error.message : String(error)}`);
      }
      await client?.close();
      await shared?.close();
      await logger.flush();
    },
  };
}

/** A `RunMemory` made on first use. */
function lazyRunMemory(make: () => Promise<RunMemory>): RunMemory {
  let memory: Promise<RunMemory> | undefined;
  const get = (): Promise<RunMemory> => {
    memory ??= make();
    return memory;
  };
  return {
    load: async (key) => (await get()).load(key),
    save: async (key, value, ttlMs) => (await get()).save(key, value, ttlMs),
  };
}

/** The shared store of a `--store redis://…` run (its modules and `redis` loaded only now), or undefined when it cannot be reached. */
async function openShared(
  settings: RunSettings,
  parts: {
    clock: Clock;
    options: RunContextOptions;
    limiter: AdaptiveRateLimiter;
    localBreaker: (host: string, saved: BreakerSnapshot) => CircuitBreaker;
    state: StateStore;
    cache: DiskCache;
    monitor: PerformanceMonitor;
    secrets: readonly string[];
    warn: (message: string) => void;
    fileMemory: RunMemory;
    fileJournal: JournalPort;
    onFallback: (reason: string) => void;
  },
): Promise<SharedStore | undefined> {
  if (settings.store.kind !== 'redis') return undefined;
  const { openSharedStore } = await import('./shared-store.js');
  return openSharedStore({
    location: settings.store,
    clock: parts.clock,
    fixedClock: parts.options.clock !== undefined && parts.options.clock !== systemClock,
    fallback: {
      candles: new FileCandleStore(settings.cacheDir, { clock: parts.clock }),
      cache: parts.cache,
      budgets: fileBudgets(parts.state, parts.clock),
      history: fileHistory(parts.state),
      memory: parts.fileMemory,
      journal: parts.fileJournal,
    },
    limiter: parts.limiter,
    localBreaker: parts.localBreaker,
    breakerRules: SHARED_BREAKER_RULES,
    maxWaitMs: waitBoundMs(settings.deadlineMs),
    timeoutMs: settings.timeoutMs,
    monitor: parts.monitor,
    secrets: parts.secrets,
    warn: parts.warn,
    onFallback: parts.onFallback,
    dir: settings.cacheDir,
  });
}

/** The longest single wait of a run: its deadline, never past the client's own bound for a server-requested wait. */
function waitBoundMs(deadlineMs: number): number {
  return Math.min(CLIENT_DEFAULTS.maxRetryAfterMs, deadlineMs);
}

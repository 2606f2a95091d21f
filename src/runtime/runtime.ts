import type { HttpPoster } from '../http/types.js';
import type { RunSettings } from '../options/run-options.js';
import type { Logger } from '../output/logger.js';
import type { OutputStream } from '../output/output-stream.js';
import type { PerformanceMonitor } from '../perf/performance-monitor.js';
import type { HostBreaker } from '../resilience/host-policies.js';
import type { CacheMode } from '../store/cache-types.js';
import type { RunMemory } from '../store/run-memory.js';
import type { Interrupts } from './interrupts.js';
import type { RunOutcome } from './run-record.js';
import type { Clock } from '../time/clock.js';
import type { HttpGetter } from '../http/types.js';
import type { PendingWork } from '../output/pending-line.js';
import type { Progress } from '../output/progress.js';
import type { CacheView } from '../store/cache-types.js';
import type { HistoryPorts } from '../store/history/history-ports.js';
import type { JournalPort } from '../store/journal-port.js';
import type { BudgetPort } from '../store/store-ports.js';
import type { Env, SourceName } from '../sources/source-names.js';

/**
 * Options every data command shares (the records in `src/options/data-options.ts`). `--force-refresh` and
 * `--offline` are not here: they set the run's cache mode (`Runtime.cache.mode`) once.
 */
export interface CommonOptions {
  /** `--sources a,b`: only these (others are reported `skipped`, "not selected"). Undefined = all. */
  sources: SourceName[] | undefined;
  /** `--limit N`: rows to print. Undefined = the command's default. */
  limit: number | undefined;
}

/**
 * Everything a command needs from the outside world, built once per run (`runtime/run-context.ts`). Commands and
 * sources see only this, so tests can hand them fakes.
 */
export interface Runtime {
  env: Env;
  clock: Clock;
  /** The HTTP client; created on first use so a run served from cache never loads undici. */
  http(): Promise<HttpGetter>;
  /**
   * A source's base URLs, in the order to try them, without trailing slashes: `SCREEN_<SOURCE>_URL`
   * or the API's own, or under `--demo` the source's loopback server, which this first call starts.
   * Asked only when a source must fetch, so a run served from cache starts no server.
   */
  baseUrls(source: SourceName): Promise<readonly string[]>;
  /** The run's view of the cache: every lookup in the run's mode (normal, force-refresh or offline). */
  cache: CacheView;
  /** Daily budgets shared by every run (e.g. Alpha Vantage's 25 calls a day). */
  budgets: BudgetPort;
  /** Candle history (series and Binance's weight budget) in the run's store; undefined: the run keeps none. */
  history?: HistoryPorts | undefined;
  progress: Progress;
  /** The pending-work line (what the run waits for, on a terminal); absent where nothing draws it. */
  pending?: PendingWork;
  /**
   * Counters for the timing summary and metrics, e.g. `source.items` with `{ source: 'coingecko' }`:
   * sources and hosts are labels, never parts of the name. Pass the same labels object each time.
   */
  increment(name: string, by?: number, labels?: Readonly<Record<string, string>>): void;
  /** Warnings for stderr (already human sentences, free of secrets). */
  warn(message: string): void;
  /** The signal journal of the run's store (src/README.md "Signal evidence"). Absent where nothing is journaled (a unit test's fake runtime). */
  journal?: JournalPort | undefined;
}

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
  /** A long-lived process (`screen serve`): a shared store unreachable at start is joined once it answers. */
  keepTrying?: boolean;
}

export interface RunContext {
  runtime: Runtime;
  /** The pending-work line; `end` it before results print. */
  pending: PendingWork;
  /** The run's cache in another mode (`--watch`'s `r`: one refresh that fetches now). */
  cacheView(mode: CacheMode): CacheView;
  monitor: PerformanceMonitor;
  breakers: ReadonlyMap<string, HostBreaker>;
  /** The breaker of a host (`host:port`), made on first use: the one the run's requests to it go through (the live stream's too). */
  breakerFor(host: string): HostBreaker;
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
  finish(outcome: RunOutcome): Promise<void>;
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

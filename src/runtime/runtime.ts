import type { Clock } from '../time/clock.js';
import type { HttpGetter } from '../http/types.js';
import type { PendingWork } from '../output/pending-line.js';
import type { Progress } from '../output/progress.js';
import type { CacheView } from '../store/cache-types.js';
import type { HistoryPorts } from '../store/history/history-ports.js';
import type { JournalPort } from '../store/journal-port.js';
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

/** Daily/periodic budgets shared by every run (e.g. Alpha Vantage's 25 calls a day). */
export interface BudgetLedger {
  /** Takes up to `amount` units of `name`'s budget for the UTC day of now; returns how many were granted. */
  consume(name: string, amount: number, limitPerDay: number): Promise<number>;
  /** Units left today without consuming any. */
  remaining(name: string, limitPerDay: number): Promise<number>;
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
  budgets: BudgetLedger;
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

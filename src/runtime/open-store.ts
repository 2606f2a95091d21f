/**
 * Opening a run's store: the cache dir (checked: unwritable → exit 2) and its response cache, the
 * state store with what earlier runs learned, the run memory, the candle history, and with
 * `--store redis://…` the shared store (its modules loaded only then), each of its ports with the
 * file store behind it for when Redis cannot be reached.
 */
import type { RunSettings } from '../options/run-options.js';
import type { PerformanceMonitor } from '../perf/performance-monitor.js';
import type { AdaptiveRateLimiter } from '../resilience/adaptive-rate-limiter.js';
import { waitBoundMs } from './run-client.js';
import { SHARED_BREAKER_RULES, savedBreaker } from '../resilience/breaker-defaults.js';
import type { HostBreaker, HostPacing } from '../resilience/host-policies.js';
import { DiskCache } from '../store/file/disk-cache.js';
import { FileCandleStore } from '../store/file/file-candle-store.js';
import { FileJournal } from '../store/file/file-journal.js';
import { fileBudgets, fileHistory } from '../store/file/file-ports.js';
import { FileRunMemory } from '../store/file/file-run-memory.js';
import { sweepLeftovers } from '../store/file/leftover-sweep.js';
import { StateStore } from '../store/file/state-store.js';
import { nodeStoreFs } from '../store/file/store-fs.js';
import type { HistoryPorts } from '../store/history/history-ports.js';
import type { JournalPort } from '../store/journal-port.js';
import { MemoryWeightBudget } from '../store/history/weight-budget.js';
import type { ResponseCache } from '../store/response-cache.js';
import type { RunMemory } from '../store/run-memory.js';
import type { BudgetPort, SourceHistoryPort } from '../store/store-ports.js';
import type { Clock } from '../time/clock.js';
import type { SharedStore } from './shared-store.js';

/** A state lock whose heartbeat is older than this is abandoned (the state store's own default). */
const STATE_LOCK_STALE_MS = 30_000;

export interface RunStore {
  cache: ResponseCache;
  state: StateStore;
  budgets: BudgetPort;
  history: SourceHistoryPort;
  memory: RunMemory;
  candles: HistoryPorts;
  /** The signal journal (src/README.md "Signal evidence"). */
  journal: JournalPort;
  /** The shared store while it answered at start. */
  shared: SharedStore | undefined;
  /** Each host's breaker: the shared store's, else from the state an earlier run saved. */
  breakerFor(host: string): HostBreaker;
  /** Which store serves the run: `redis` while a shared store answers, else `file` (the default, or a fallback). */
  describe(): { kind: 'file' | 'redis'; label: string };
  /** Why the file store stands in although `--store` named Redis (unreachable at start, or gone since); undefined otherwise. */
  fallback(): string | undefined;
  /** A long-lived process's way back to a shared store that went down: true once it is used again. Never throws. */
  reconnect(): Promise<boolean>;
  /** Saves what the run learned of the hosts it called, and the sources' history. */
  save(breakers: ReadonlyMap<string, HostBreaker>, pacing: HostPacing): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  settings: RunSettings;
  clock: Clock;
  /** True when the clock was injected (a test's): it is then the fleet's too. */
  injectedClock: boolean;
  monitor: PerformanceMonitor;
  secrets: readonly string[];
  warn(message: string): void;
  /** Told each time the run falls back to the file store (Redis unreachable at start, or gone mid-run). */
  onFallback?(reason: string): void;
  /** The local limiter: its rules drive a shared schedule, and it takes over without Redis. */
  limiter: AdaptiveRateLimiter;
  /** A long-lived process: a Redis unreachable at start is tried again later (`reconnect`). */
  keepTrying?: boolean;
}

export async function openStore(options: OpenStoreOptions): Promise<RunStore> {
  const { settings, clock, monitor, secrets, warn } = options;
  const dir = settings.cacheDir;
  // The keys themselves, as a last line of defence should an API echo one back into a cached body.
  // A cache that stops caching (full disk, a directory in an entry's place) says so once.
  const cache = await DiskCache.open({ dir, clock, monitor, secrets, onWarning: warn });
  // State in a folder of its own (an installed package's $XDG_STATE_HOME/qaht): what a killed run
  // left there (temp files, its state lock) is swept here, as the cache sweeps its own folder.
  if (settings.stateDir !== dir) {
    await sweepLeftovers({
      ownedDir: settings.stateDir,
      sharedDir: settings.stateDir,
      ownedPrefixes: [],
      clock,
      lockStaleMs: STATE_LOCK_STALE_MS,
      fs: nodeStoreFs,
    });
  }
  const state = await StateStore.load(settings.stateDir, { clock });
  // In the state store's own folder, so it moves wherever the state does; made only by a run that
  // keeps something (--changes, alert rules). A shared store falls back to it.
  const fileMemory = lazyRunMemory(async () => new FileRunMemory(state.dir, { clock }));
  const localBreaker = (host: string, saved: unknown): HostBreaker => savedBreaker(host, saved, clock);
  // Beside the state, so a demo run's journal stays in the demo folder.
  const fallback = {
    candles: new FileCandleStore(dir, { clock }),
    cache,
    budgets: fileBudgets(state, clock),
    history: fileHistory(state),
    memory: fileMemory,
    journal: new FileJournal(settings.stateDir),
  };
  let shared: SharedStore | undefined;
  let fallbackReason: string | undefined;
  const onFallback = (reason: string): void => {
    fallbackReason = reason;
    options.onFallback?.(reason);
  };
  if (settings.store.kind === 'redis') {
    const { openSharedStore } = await import('./shared-store.js');
    shared = await openSharedStore({
      location: settings.store,
      clock,
      fixedClock: options.injectedClock,
      fallback,
      limiter: options.limiter,
      localBreaker: (host, snapshot) => savedBreaker(host, snapshot, clock),
      breakerRules: SHARED_BREAKER_RULES,
      // A shared slot or fill lock further off than the run's deadline is not waited for.
      maxWaitMs: waitBoundMs(settings.deadlineMs),
      timeoutMs: settings.timeoutMs,
      monitor,
      secrets,
      warn,
      onFallback,
      dir,
      keepTrying: options.keepTrying ?? false,
    });
  }
  const history = shared?.history ?? fallback.history;
  return {
    cache: shared?.cache ?? cache,
    state,
    budgets: shared?.budgets ?? fallback.budgets,
    history,
    memory: shared?.memory ?? fileMemory,
    journal: shared?.journal ?? fallback.journal,
    candles: shared
      ? { candles: shared.candles, weight: shared.weight }
      : { candles: fallback.candles, weight: new MemoryWeightBudget(clock) },
    shared,
    breakerFor: (host) => (shared ? shared.breakerFor(host) : localBreaker(host, state.host(host)?.breaker)),
    describe: () => (shared?.connection.up ? { kind: 'redis', label: shared.connection.location.safeUrl } : { kind: 'file', label: dir }),
    fallback: () => (settings.store.kind === 'redis' && !shared?.connection.up ? (fallbackReason ?? 'redis store unavailable') : undefined),
    async reconnect() {
      if (!shared) return false;
      if (shared.connection.up) return true;
      const back = await shared.rejoin();
      if (back) fallbackReason = undefined;
      return back;
    },
    async save(breakers, pacing) {
      await shared?.flush();
      // A shared store keeps each host's breaker and pace live; only a run that lost it saves them here.
      if (!shared?.connection.up) {
        // Only hosts this run called (every attempt goes through the registry) are written: a host it
        // never touched keeps what an earlier or overlapping run saved, under that run's timestamp.
        const limits = pacing.toJSON();
        for (const [host, breaker] of breakers) state.setHost(host, { breaker: breaker.toJSON(), limiter: limits[host] });
      }
      await history.flush();
    },
    close: async () => shared?.close(),
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

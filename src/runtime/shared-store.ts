/**
 * A run's side of the shared Redis store (`--store redis://…`): the connection and every port on
 * it, each with the file store behind it. Imported only when a Redis store is selected, so a
 * file-store run never loads this module, the Redis ports or the `redis` package.
 */
import { SharedBreaker } from '../fleet/shared-breaker.js';
import { SharedPacer } from '../fleet/shared-pacer.js';
import type { PerformanceMonitor } from '../perf/performance-monitor.js';
import type { AdaptiveRateLimiter } from '../resilience/adaptive-rate-limiter.js';
import type { BreakerSnapshot, CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { DiskCache } from '../store/file/disk-cache.js';
import { PendingWrites } from '../store/pending-writes.js';
import { RedisBudgets, RedisHistory } from '../store/redis/redis-budgets.js';
import { RedisCache } from '../store/redis/redis-cache.js';
import { RedisEntries } from '../store/redis/redis-entries.js';
import { FallbackEntries } from '../store/fallback-entries.js';
import { EntryCandleStore, HISTORY_ENTRIES } from '../store/history/entry-candle-store.js';
import type { FileJournal } from '../store/file/file-journal.js';
import type { FileCandleStore } from '../store/file/file-candle-store.js';
import { RedisWeightBudget } from '../store/redis/redis-weight-budget.js';
import type { CandleStore } from '../store/history/candle-store.js';
import { MemoryWeightBudget, type WeightBudget } from '../store/history/weight-budget.js';
import type { RedisConnection } from '../store/redis/redis-connection.js';
import { RedisBreakers, RedisPacing } from '../store/redis/redis-host-state.js';
import { RedisJournal } from '../store/redis/redis-journal.js';
import { RedisRunMemory } from '../store/redis/redis-run-memory.js';
import type { RedisLocation } from '../store/store-location.js';
import type { JournalPort } from '../store/journal-port.js';
import type { RunMemory } from '../store/run-memory.js';
import type { BreakerRules, BudgetPort, SourceHistoryPort } from '../store/store-ports.js';
import type { Clock } from '../time/clock.js';
import { openRedis, redisStartingDown } from './redis-door.js';

/** A series' fetch lock outlives a killed holder by this much; a process waits this long for another's fetch. */
const HISTORY_LOCK_TTL_MS = 30_000;
const HISTORY_LOCK_WAIT_MS = 10_000;
/** A fill lock outlives a killed holder by at most one request timeout, and never by more than this. */
const FILL_LOCK_MAX_TTL_MS = 10_000;

export interface SharedStoreOptions {
  location: RedisLocation;
  /** This process's clock (the store keeps the fleet's: see `RedisConnection.clock`). */
  clock: Clock;
  /** Tests pass their manual clock here, and it is then the fleet's too. */
  fixedClock: boolean;
  /** The file store's parts, which serve while Redis cannot be reached. */
  fallback: {
    cache: DiskCache;
    budgets: BudgetPort;
    history: SourceHistoryPort;
    memory: RunMemory | undefined;
    candles: FileCandleStore;
    journal: FileJournal;
  };
  /** The local limiter (documented rates configured): its rules drive the shared schedule and it takes over without Redis. */
  limiter: AdaptiveRateLimiter;
  /** The breaker that takes over for a host without Redis, from the state last read. */
  localBreaker: (host: string, snapshot: BreakerSnapshot) => CircuitBreaker;
  breakerRules: BreakerRules;
  /** Longest slot or block a request waits for, ms (the client's `maxRetryAfterMs`). */
  maxWaitMs: number;
  /** Per-request timeout, ms: a fill lock's lifetime follows it. */
  timeoutMs: number;
  monitor: PerformanceMonitor;
  secrets: readonly string[];
  /** One line for the user (a warning). */
  warn(message: string): void;
  /** Told (besides the warning) each time the run falls back to the file store: Redis unreachable at start, or gone mid-run. */
  onFallback?(reason: string): void;
  /**
   * A long-lived process (`screen serve`): when Redis cannot be reached at start, the shared ports
   * are built anyway over a connection that starts down (each falls back to the file store), so
   * `rejoin` can bring the process onto Redis once it answers. A one-shot run just uses the file store.
   */
  keepTrying?: boolean;
  /** The cache dir, named when the run falls back to it. */
  dir: string;
}

/** The ports a run uses when the shared store answered at start. */
export interface SharedStore {
  readonly connection: RedisConnection;
  readonly cache: RedisCache;
  readonly budgets: BudgetPort;
  readonly history: SourceHistoryPort;
  readonly memory: RunMemory;
  /** Candle history and Binance's weight budget, the fleet's. */
  readonly candles: CandleStore;
  readonly weight: WeightBudget;
  readonly journal: JournalPort;
  readonly pacer: SharedPacer;
  breakerFor(host: string): SharedBreaker;
  /** Waits for the outcomes still being written. */
  flush(): Promise<void>;
  /**
   * After the store went down (a long-lived process): connects again and, once it answers, hands
   * pacing and breakers back to the fleet. True when the store is up (again). Never throws.
   */
  rejoin(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Connects (1 s at most) and builds the ports. Undefined when Redis cannot be reached: the run
 * has then been warned once and goes on with the file store.
 */
export async function openSharedStore(options: SharedStoreOptions): Promise<SharedStore | undefined> {
  const { location, fallback } = options;
  let connection: RedisConnection;
  const door = {
    injected: options.fixedClock,
    onDown: (reason: string) => {
      options.warn(
        `redis store ${location.safeUrl} stopped answering (${reason}); the rest of this run uses the file store in ${options.dir}`,
      );
      options.onFallback?.(`redis store ${location.safeUrl} stopped answering (${reason})`);
    },
    onDamaged: (message: string) => options.warn(message),
  };
  try {
    connection = await openRedis(location, options.clock, door);
  } catch (error) {
    options.warn(`${error instanceof Error ? error.message : String(error)}; using the file store in ${options.dir}`);
    options.onFallback?.(error instanceof Error ? error.message : String(error));
    if (!options.keepTrying) return undefined;
    connection = redisStartingDown(location, options.clock, 'unreachable at start', door);
  }
  const fleetClock = connection.clock;
  const writes = new PendingWrites();
  const pacing = new RedisPacing(connection);
  const breakerPort = new RedisBreakers(connection);
  const pacer = new SharedPacer({ port: pacing, local: options.limiter, clock: options.clock, fleetClock, maxWaitMs: options.maxWaitMs });
  const breakers = new Map<string, SharedBreaker>();
  const cache = new RedisCache({
    connection,
    fallback: fallback.cache,
    monitor: options.monitor,
    secrets: options.secrets,
    lockTtlMs: Math.min(options.timeoutMs, FILL_LOCK_MAX_TTL_MS),
    // Waiting for another process's fill is a wait like any other: never past the run's deadline.
    lockWaitMs: options.maxWaitMs,
  });
  return {
    connection,
    cache,
    budgets: new RedisBudgets(connection, fallback.budgets),
    history: new RedisHistory(connection, fallback.history, options.secrets),
    memory: new RedisRunMemory(connection, fallback.memory, options.secrets),
    candles: new EntryCandleStore(
      new FallbackEntries(
        new RedisEntries(connection, { kind: HISTORY_ENTRIES, lockTtlMs: HISTORY_LOCK_TTL_MS, lockWaitMs: HISTORY_LOCK_WAIT_MS }),
        fallback.candles.files,
        () => connection.up,
      ),
      location.safeUrl,
    ),
    weight: new RedisWeightBudget(connection, new MemoryWeightBudget(options.clock)),
    journal: new RedisJournal(connection, fallback.journal),
    pacer,
    breakerFor(host) {
      let breaker = breakers.get(host);
      if (!breaker) {
        breaker = new SharedBreaker({
          host,
          port: breakerPort,
          rules: options.breakerRules,
          clock: fleetClock,
          writes,
          local: (snapshot) => options.localBreaker(host, snapshot),
        });
        breakers.set(host, breaker);
      }
      return breaker;
    },
    async flush() {
      await Promise.all([writes.settleAll(), pacer.flush()]);
    },
    async rejoin() {
      if (connection.up) return true;
      if (!(await connection.revive())) return false;
      pacer.rejoin();
      for (const breaker of breakers.values()) breaker.rejoin();
      // A restarted Redis may have come back empty: what this process holds goes back at once.
      await cache.republish();
      return true;
    },
    close: () => connection.close(),
  };
}

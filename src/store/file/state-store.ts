/**
 * Resilience state that outlives a run: breaker and limiter snapshots per host, health per source
 * and daily budgets, in one file `<dir>/state.json`.
 *
 * A run loads it at start (`StateStore.load`), records changes as it goes (they accumulate as a
 * patch) and `flush`es at exit. Saving takes the file lock, re-reads the file and merges (see
 * `mergeMaps`), so two overlapping runs both keep their hosts and the newer copy of a shared host
 * wins; then it writes atomically. Budgets are spent with `consumeBudget`, a read-increment-write
 * under the same lock, so concurrent runs can never spend past the limit.
 * State older than `maxAgeMs` is ignored on load and pruned on save; a corrupt or foreign-version
 * file counts as empty, and so does anything but a regular file of at most `STATE_MAX_BYTES` (a
 * FIFO or a link to `/dev/zero` in its place cannot hang or flood a run). Times later than now
 * (plus `FUTURE_TOLERANCE_MS`) are dropped on read. The store keeps snapshots as opaque JSON: their
 * owners validate them.
 */
import { join } from 'node:path';
import { QahtError, isQahtError } from '../../errors.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { describeFsError, ensurePrivateDir, writeFileAtomic } from './atomic-write.js';
import { withFileLock } from './file-lock.js';
import { readRegularFile } from './regular-file.js';
import {
  dropFutureTimes,
  emptyMaps,
  mergeMaps,
  parseState,
  pruneMaps,
  STATE_MAX_BYTES,
  STATE_SCHEMA_VERSION,
  type BudgetState,
  type HostState,
  type PruneBounds,
  type ResilienceState,
  type SourceState,
  type StateMaps,
  type StatePatch,
} from './state-file.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';

export const STATE_FILE_NAME = 'state.json';

export interface StateStoreOptions {
  /** @default systemClock */
  clock?: Clock;
  /** Host state older than this (ms) is ignored on load and dropped on save. @default 24 h */
  maxAgeMs?: number;
  /** The bound for per-source health (last success/failure), kept longer so `screen status` can show an old last success. @default 30 days */
  sourceMaxAgeMs?: number;
  /** @default 30_000 ms (see `withFileLock`) */
  lockStaleMs?: number;
  /** @default 60_000 ms */
  lockWaitMs?: number;
  /** @default Node's file system */
  fs?: StoreFs;
}

/**
 * A read-only view of the store's state. It is the store's own copy, shared without cloning: the
 * store never changes an object it has handed out (every change builds new ones), and callers
 * must not change them either.
 */
export type StateView = Readonly<Omit<ResilienceState, keyof StateMaps>> & {
  readonly hosts: Readonly<Record<string, Readonly<HostState>>>;
  readonly sources: Readonly<Record<string, Readonly<SourceState>>>;
  readonly budgets: Readonly<Record<string, Readonly<BudgetState>>>;
};

const DAY_MS = 24 * 60 * 60_000;

/** How long a source's last success and failure are remembered. */
export const SOURCE_HISTORY_MS = 30 * DAY_MS;

/** Per-host and per-source resilience state shared by successive and overlapping runs. */
export class StateStore {
  readonly dir: string;
  /** Path of the state file. */
  readonly file: string;
  readonly #clock: Clock;
  readonly #bounds: PruneBounds;
  readonly #lockOptions: { clock: Clock; staleMs?: number; waitMs?: number; fs: StoreFs };
  readonly #fs: StoreFs;
  #state: StateMaps;
  #pending: StateMaps = emptyMaps();

  /** Reads `<dir>/state.json`; a missing, corrupt or foreign file gives an empty state. Never writes. */
  static async load(dir: string, options: StateStoreOptions = {}): Promise<StateStore> {
    const store = new StateStore(dir, options);
    store.#state = store.#prune(await store.#readFile());
    return store;
  }

  private constructor(dir: string, options: StateStoreOptions) {
    this.dir = dir;
    this.file = join(dir, STATE_FILE_NAME);
    this.#clock = options.clock ?? systemClock;
    const hostMaxAgeMs = options.maxAgeMs ?? DAY_MS;
    this.#bounds = { hostMaxAgeMs, sourceMaxAgeMs: options.sourceMaxAgeMs ?? SOURCE_HISTORY_MS };
    this.#fs = options.fs ?? nodeStoreFs;
    this.#lockOptions = { clock: this.#clock, fs: this.#fs };
    if (options.lockStaleMs !== undefined) this.#lockOptions.staleMs = options.lockStaleMs;
    if (options.lockWaitMs !== undefined) this.#lockOptions.waitMs = options.lockWaitMs;
    this.#state = emptyMaps();
  }

  /** The current view (the loaded or last saved state plus unsaved changes), not a copy: see `StateView`. */
  get state(): StateView {
    return { schema: STATE_SCHEMA_VERSION, updatedAt: this.#clock.now(), ...this.#state };
  }

  /** One host's saved state (read-only, see `StateView`). */
  host(host: string): Readonly<HostState> | undefined {
    return this.#state.hosts[host];
  }

  /** One source's saved health (read-only, see `StateView`). */
  source(source: string): Readonly<SourceState> | undefined {
    return this.#state.sources[source];
  }

  /** Units of budget `name` used on `day` (UTC `YYYY-MM-DD`) as last seen by this store. */
  budgetUsed(name: string, day: string): number {
    const budget = this.#state.budgets[name];
    return budget?.day === day ? budget.used : 0;
  }

  /** Records a host's breaker and limiter snapshots (opaque JSON), stamped now. */
  setHost(host: string, snapshot: { breaker?: unknown; limiter?: unknown }): void {
    const state: HostState = { updatedAt: this.#clock.now() };
    if (snapshot.breaker !== undefined) state.breaker = snapshot.breaker;
    if (snapshot.limiter !== undefined) state.limiter = snapshot.limiter;
    this.#record({ hosts: { [host]: state } });
  }

  /** @param at epoch ms; defaults to now */
  recordSourceSuccess(source: string, at: number = this.#clock.now()): void {
    this.#record({ sources: { [source]: { lastSuccessAt: at } } });
  }

  /** @param at epoch ms; @param reason a short, secret-free description */
  recordSourceFailure(source: string, at: number, reason: string): void {
    this.#record({ sources: { [source]: { lastFailureAt: at, lastFailureReason: reason } } });
  }

  /** Records a rate-limit answer (HTTP 429/418 or a soft limit) from `source`. */
  recordRateLimit(source: string, at: number = this.#clock.now()): void {
    this.#record({ sources: { [source]: { rateLimitEvents: [at] } } });
  }

  /**
   * Merges `patch` and every unsaved change into the file, under the lock, and writes it atomically.
   * @throws QahtError `QAHT_ERR_CACHE_DIR` (a file-system failure: "<file>: no space left on device")
   *   or `QAHT_ERR_LOCK_TIMEOUT`; unsaved changes are kept.
   */
  async save(patch: StatePatch = {}): Promise<void> {
    const outgoing = mergeMaps(this.#pending, patch);
    this.#pending = emptyMaps();
    try {
      await ensurePrivateDir(this.dir, this.#fs);
      const written = await withFileLock(`${this.file}.lock`, () => this.#mergeIntoFile(outgoing), this.#lockOptions);
      // Changes recorded while the save was in flight stay pending and visible.
      this.#state = mergeMaps(written, this.#pending);
    } catch (error) {
      this.#pending = mergeMaps(outgoing, this.#pending);
      throw this.#describe(error);
    }
  }

  /**
   * Saves the changes accumulated by `setHost` and the `record*` helpers. With none (a run served
   * from cache), it does nothing: no lock, no write, no fsync on the start-up path of cron runs.
   */
  async flush(): Promise<void> {
    const { hosts, sources, budgets } = this.#pending;
    if (Object.keys(hosts).length + Object.keys(sources).length + Object.keys(budgets).length === 0) return;
    await this.save();
  }

  /**
   * Spends up to `amount` units of the daily budget `name` without ever passing `limit`, atomically
   * across processes. A new `day` starts from zero. Resolves the units granted (0 when exhausted,
   * or when the file already holds a later day, i.e. this clock is behind).
   * @param day UTC `YYYY-MM-DD` (see `utcDay`)
   */
  async consumeBudget(name: string, day: string, amount: number, limit: number): Promise<number> {
    if (!(amount > 0)) return 0;
    await ensurePrivateDir(this.dir, this.#fs);
    return withFileLock(
      `${this.file}.lock`,
      async () => {
        const current = await this.#readFile();
        const budget = current.budgets[name];
        if (budget && budget.day > day) return 0;
        const used = budget?.day === day ? budget.used : 0;
        const granted = Math.max(0, Math.min(amount, limit - used));
        const next: BudgetState = { day, used: used + granted };
        if (granted > 0) await this.#write(mergeMaps(current, { budgets: { [name]: next } }));
        this.#state = mergeMaps(this.#state, { budgets: { [name]: next } });
        return granted;
      },
      this.#lockOptions,
    ).catch((error: unknown) => {
      throw this.#describe(error);
    });
  }

  /** A raw file-system error as one line naming the file; the store's own errors pass as they are. */
  #describe(error: unknown): unknown {
    if (isQahtError(error) || typeof (error as { code?: unknown } | null)?.code !== 'string') return error;
    return new QahtError('QAHT_ERR_CACHE_DIR', `${this.file}: ${describeFsError(error)}`, { cause: error });
  }

  #record(patch: StatePatch): void {
    this.#pending = mergeMaps(this.#pending, patch);
    this.#state = mergeMaps(this.#state, patch);
  }

  /** Runs under the lock: re-read, merge, prune, write. Resolves what was written. */
  async #mergeIntoFile(outgoing: StateMaps): Promise<StateMaps> {
    const merged = this.#prune(mergeMaps(await this.#readFile(), outgoing));
    await this.#write(merged);
    return merged;
  }

  async #write(maps: StateMaps): Promise<void> {
    const pruned = this.#prune(maps);
    const file: ResilienceState = { schema: STATE_SCHEMA_VERSION, updatedAt: this.#clock.now(), ...pruned };
    await writeFileAtomic(this.file, `${JSON.stringify(file, null, 2)}\n`, { fs: this.#fs });
  }

  /** The file's maps, future times dropped (see `dropFutureTimes`); anything unusable reads as empty. */
  async #readFile(): Promise<StateMaps> {
    const read = await readRegularFile(this.file, { maxBytes: STATE_MAX_BYTES, within: this.dir, fs: this.#fs });
    const { hosts, sources, budgets } = parseState(read.ok ? read.bytes.toString('utf8') : undefined);
    return dropFutureTimes({ hosts, sources, budgets }, this.#clock.now());
  }

  #prune(maps: StateMaps): StateMaps {
    return pruneMaps(maps, this.#clock.now(), this.#bounds);
  }
}

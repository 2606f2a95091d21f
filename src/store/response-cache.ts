/**
 * The response cache: one lookup sequence over any entry backend (entry-backend.ts), with a
 * memory tier for the run.
 *
 * Lookup order: within TTL → `cached` (unless the run forces a refresh); offline → any-age entry,
 * else `failed`; otherwise fetch → `fresh`; fetch failed → the entry as `stale` (with
 * `staleBeyondMaxAge` past `maxStaleMs`) → `failed`. The run's `CacheMode` is fixed once, in the
 * view the run gets from `view(mode)`; the cache itself is the normal-mode view. The serving rules
 * themselves are in cache-policy.ts.
 *
 * Identical concurrent lookups in this process share one fetch; across processes the refresh runs
 * under the backend's per-key lock and re-reads the entry first, so N processes fetch once. Each
 * entry's value is checked by the lookup's `validate` once (a memory hit is not checked again); a
 * value that fails is a miss. A failed write is counted (`cache.write_error`) and the value stays
 * in memory for the run; the lookup never throws for a fetch or a store that failed.
 */
import { LRUCache } from 'lru-cache';
import { QahtError } from '../errors.js';
import { redactSecrets } from '../redact.js';
import { systemClock, type Clock } from '../time/clock.js';
import { encodeEntry, type CacheEntry, type EncodedEntry } from './cache-entry.js';
import {
  entryForValue,
  fillEntry,
  isFresh,
  keepMsFor,
  lookupCounter,
  type RefreshOutcome,
  scrubStrings,
  serveEntry,
  serveOutcome,
  serveWithoutFetch,
  usableEntry,
} from './cache-policy.js';
import type { CacheListing, CacheLookup, CacheMode, CacheMonitor, CacheView, LookupOptions, ValueCheck } from './cache-types.js';
import type { EntryBackend, EntryLock } from './entry-backend.js';

export interface ResponseCacheOptions {
  backend: EntryBackend;
  /** The clock entries are stamped and judged by. @default systemClock */
  clock?: Clock;
  /** Entries kept in memory. @default 500 */
  memoryMaxEntries?: number;
  /** Receives `cache_hits`, `cache_misses` and `cache.stale|invalid|write_error|lock_error` counts. */
  monitor?: CacheMonitor;
  /** Secret values scrubbed from keys and from every string in stored values, as a last line of defence. */
  secrets?: readonly string[];
}

/** What a low-level `set` takes. `fetchedAt` defaults to now. */
export interface CacheSetInput<T> {
  source: string;
  key: string;
  value: T;
  ttlMs: number;
  fetchedAt?: number;
}

interface RefreshRequest<T> {
  key: string;
  source: string;
  ttlMs: number;
  keepMs: number;
  forceRefresh: boolean;
  startedAt: number;
  seen: CacheEntry<T> | undefined;
  fetch: (stored: T | undefined) => Promise<T>;
  validate: ValueCheck<T> | undefined;
}

/** The two-tier (memory over a backend) response cache; see the file header for the lookup order. */
export class ResponseCache implements CacheView {
  /** Used directly, the cache serves in normal mode; `view` gives the other modes. */
  readonly mode: CacheMode = 'normal';
  readonly #backend: EntryBackend;
  readonly #clock: Clock;
  readonly #memory: LRUCache<string, CacheEntry>;
  readonly #monitor: CacheMonitor | undefined;
  readonly #secrets: readonly string[];
  readonly #inFlight = new Map<string, Promise<RefreshOutcome<unknown>>>();
  /** Entries already checked by a lookup's `validate`, so a memory hit is not checked again. */
  readonly #validated = new WeakMap<CacheEntry, ValueCheck<unknown>>();

  constructor(options: ResponseCacheOptions) {
    this.#backend = options.backend;
    this.#clock = options.clock ?? systemClock;
    this.#memory = new LRUCache({ max: Math.max(1, options.memoryMaxEntries ?? 500) });
    this.#monitor = options.monitor;
    this.#secrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
  }

  /** A view whose every lookup runs in `mode` (see `CacheMode`): the run's context builds one. */
  view(mode: CacheMode): CacheView {
    return { mode, lookup: (options) => this.#lookup(options, mode) };
  }

  /** Serves `key` in normal mode following the lookup order (see the file header); never throws for fetch or store failures. */
  lookup<T>(options: LookupOptions<T>): Promise<CacheLookup<T>> {
    return this.#lookup(options, 'normal');
  }

  /** The entry for `key` (memory, then the backend), or undefined. */
  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const clean = this.cleanKey(key);
    return (this.#memory.get(clean) as CacheEntry<T> | undefined) ?? this.#read<T>(clean);
  }

  /**
   * Stores an entry in memory and in the backend.
   * @throws the backend's write error; the memory tier keeps the entry anyway.
   */
  async set<T>(input: CacheSetInput<T>): Promise<CacheEntry<T>> {
    const encoded = encodeEntry<T>({
      key: this.cleanKey(input.key),
      source: input.source,
      value: this.#secrets.length > 0 ? (scrubStrings(input.value, this.#secrets) as T) : input.value,
      ttlMs: input.ttlMs,
      fetchedAt: input.fetchedAt ?? this.#clock.now(),
    });
    this.#memory.set(encoded.entry.key, encoded.entry);
    await this.#backend.write(encoded, keepMsFor(input.ttlMs, Infinity));
    return encoded.entry;
  }

  /**
   * Writes every entry held in memory to the backend again, with its own fetch time and TTL: a
   * shared store that came back empty (a restart) has this process's answers at once, instead of
   * after the next fetch. Failed writes are counted, never thrown. Resolves how many were written.
   */
  async republish(): Promise<number> {
    let written = 0;
    for (const entry of [...this.#memory.values()]) {
      const encoded = encodeEntry({
        key: entry.key,
        source: entry.source,
        value: entry.value,
        ttlMs: entry.ttlMs,
        fetchedAt: entry.fetchedAt,
      });
      try {
        await this.#backend.write(encoded, keepMsFor(entry.ttlMs, Infinity));
        written += 1;
      } catch {
        this.count('cache.write_error');
      }
    }
    return written;
  }

  /** Removes one entry; true when the backend held it. */
  async delete(key: string): Promise<boolean> {
    const clean = this.cleanKey(key);
    this.#memory.delete(clean);
    return this.#backend.remove(clean);
  }

  /** Every usable entry, sorted by key; a time in the future is listed as now. */
  async list(): Promise<CacheListing[]> {
    const now = this.#clock.now();
    const listings = (await this.#backend.list()).map((listing) => ({ ...listing, fetchedAt: Math.min(listing.fetchedAt, now) }));
    return listings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Removes every entry, or only those of `source`; resolves how many the backend removed. */
  async clear(source?: string): Promise<number> {
    const removed = await this.#backend.clear(source);
    if (source === undefined) this.#memory.clear();
    else for (const [key, entry] of this.#memory.entries()) if (entry.source === source) this.#memory.delete(key);
    return removed;
  }

  /** `key` with every secret redacted: the name an entry is stored under. */
  protected cleanKey(key: string): string {
    return this.#secrets.length > 0 ? redactSecrets(key, this.#secrets) : key;
  }

  /** Counts `name` on the monitor. */
  protected count(name: string): void {
    this.#monitor?.increment(name, 1);
  }

  async #lookup<T>(options: LookupOptions<T>, mode: CacheMode): Promise<CacheLookup<T>> {
    const { source, ttlMs, maxStaleMs = Infinity, fetch, probe = false, validate } = options;
    const forceRefresh = mode === 'force-refresh';
    const key = this.cleanKey(options.key);
    const startedAt = this.#clock.now();
    const seen = this.#usable(await this.get<T>(key), validate);
    const policy = { ttlMs, maxStaleMs, forceRefresh };
    if (seen && !forceRefresh && isFresh(seen, ttlMs, this.#clock.now()))
      return this.#report(probe, serveEntry('cached', seen, this.#clock.now()));
    if (mode === 'offline' || !fetch) return this.#report(probe, serveWithoutFetch(seen, key, mode, policy, this.#clock.now()));
    let flight = this.#inFlight.get(key) as Promise<RefreshOutcome<T>> | undefined;
    if (!flight) {
      const keepMs = keepMsFor(ttlMs, maxStaleMs);
      flight = this.#refresh({ key, source, ttlMs, keepMs, forceRefresh, startedAt, seen, fetch, validate }).finally(() =>
        this.#inFlight.delete(key),
      );
      this.#inFlight.set(key, flight);
    }
    return this.#report(probe, serveOutcome(await flight, seen, policy, this.#clock.now()));
  }

  async #refresh<T>(request: RefreshRequest<T>): Promise<RefreshOutcome<T>> {
    const { key, source, ttlMs, validate } = request;
    let lock: EntryLock | undefined;
    try {
      lock = await this.#backend.lock(key);
    } catch {
      // No lock (an unwritable dir, or a holder past the wait): fetching anyway beats serving nothing.
      this.count('cache.lock_error');
    }
    try {
      // Another process may have refreshed the entry while we waited for the lock.
      const current = this.#usable(await this.#read<T>(key), validate, false);
      return await fillEntry({
        ...request,
        current,
        nowMs: this.#clock.now(),
        encode: (value) => this.#entryFor(value, { key, source, ttlMs }, validate),
        store: (encoded) => this.#store(encoded, request.keepMs),
      });
    } finally {
      await lock?.release();
    }
  }

  /** The backend's entry for `key`; the memory tier follows what it says. */
  async #read<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const entry = await this.#backend.read<T>(key);
    if (entry) this.#memory.set(key, entry);
    else this.#memory.delete(key);
    return entry;
  }

  /** The entry for a fetched value, or the failure of a value that is missing or of the wrong shape. */
  #entryFor<T>(
    value: T,
    meta: { key: string; source: string; ttlMs: number },
    validate: ValueCheck<T> | undefined,
  ): EncodedEntry<T> | QahtError {
    const encoded = entryForValue(value, { ...meta, fetchedAt: this.#clock.now() }, validate, this.#secrets);
    if (validate && !(encoded instanceof QahtError)) this.#validated.set(encoded.entry, validate);
    return encoded;
  }

  /** Keeps a fetched entry for the run and writes it through; a failed write is counted, never thrown. */
  async #store(encoded: EncodedEntry<unknown>, keepMs: number): Promise<void> {
    this.#memory.set(encoded.entry.key, encoded.entry);
    await this.#backend.write(encoded, keepMs).catch(() => this.count('cache.write_error'));
  }

  /**
   * The entry when its value passes `validate` (checked once per entry); otherwise a miss, counted
   * `cache.invalid` (once per lookup: the re-read under the lock passes `count` false).
   */
  #usable<T>(entry: CacheEntry<T> | undefined, validate: ValueCheck<T> | undefined, count = true): CacheEntry<T> | undefined {
    return usableEntry(entry, validate, this.#validated, (invalid) => {
      if (count) this.count('cache.invalid');
      this.#memory.delete(invalid.key);
    });
  }

  #report<T>(probe: boolean, result: CacheLookup<T>): CacheLookup<T> {
    if (!probe || result.status === 'cached') this.count(lookupCounter(result.status));
    return result;
  }
}

/**
 * The cache's serving rules, which the response cache (response-cache.ts) applies over every backend: when
 * an entry is fresh, how a served entry is reported, which entry a failed or skipped fetch falls
 * back to, and how a fetched value becomes an entry. Pure: the response cache brings the clock.
 */
import { QahtError } from '../errors.js';
import { CACHE_HIT_COUNTER, CACHE_MISS_COUNTER } from '../metric-names.js';
import { redactSecrets } from '../redact.js';
import { encodeEntry, type CacheEntry, type EncodedEntry } from './cache-entry.js';
import type { CacheLookup, CacheMode, CacheStatus, ValueCheck } from './cache-types.js';

/** Longest an entry is kept where the backend expires entries, when its lookup allows stale data of any age. */
export const ENTRY_KEEP_MAX_MS = 30 * 24 * 3600_000;

/** How long an entry is worth keeping: as long as it may be served stale (at least its TTL, at most `ENTRY_KEEP_MAX_MS`). */
export function keepMsFor(ttlMs: number, maxStaleMs: number): number {
  return Math.min(ENTRY_KEEP_MAX_MS, Math.max(ttlMs, Number.isFinite(maxStaleMs) ? maxStaleMs : ENTRY_KEEP_MAX_MS));
}

/** Within its TTL. |age|: an entry stamped in the future (clock moved back) is fresh only within one TTL. */
export function isFresh(entry: Pick<CacheEntry, 'fetchedAt'>, ttlMs: number, nowMs: number): boolean {
  return Math.abs(nowMs - entry.fetchedAt) < ttlMs;
}

/** `entry` served as `status`. A time in the future is reported as now: no report claims data from a time not yet come. */
export function serveEntry<T>(status: CacheStatus, entry: CacheEntry<T>, nowMs: number): CacheLookup<T> {
  const fetchedAt = Math.min(entry.fetchedAt, nowMs);
  return { status, value: entry.value, fetchedAt, ageMs: nowMs - fetchedAt };
}

/**
 * The entry served because no fetch happened or it failed: `cached` within TTL, else `stale`;
 * always `stale` when the run forced a refresh, since the refresh did not happen.
 */
export function serveFallback<T>(
  entry: CacheEntry<T>,
  policy: { ttlMs: number; maxStaleMs: number; forceRefresh: boolean },
  nowMs: number,
  error?: unknown,
): CacheLookup<T> {
  const served = serveEntry<T>(!policy.forceRefresh && isFresh(entry, policy.ttlMs, nowMs) ? 'cached' : 'stale', entry, nowMs);
  if (error !== undefined) served.error = error;
  if (served.status === 'stale') served.staleBeyondMaxAge = (served.ageMs ?? 0) > policy.maxStaleMs;
  return served;
}

/** True when `current` is not the entry this lookup saw and was written after it started. */
export function writtenSince(current: CacheEntry, seen: CacheEntry | undefined, startedAt: number): boolean {
  const changed = !seen || seen.fetchedAt !== current.fetchedAt || seen.checksum !== current.checksum;
  return changed && current.fetchedAt >= startedAt;
}

/** The monitor counter a lookup's outcome feeds. */
export function lookupCounter(status: CacheStatus): string {
  const counters = { fresh: CACHE_MISS_COUNTER, cached: CACHE_HIT_COUNTER, stale: 'cache.stale', failed: CACHE_MISS_COUNTER } as const;
  return counters[status];
}

/** The entry for a fetched value (secrets scrubbed), or the failure of a value that is missing or of the wrong shape. */
export function entryForValue<T>(
  value: T,
  meta: { key: string; source: string; ttlMs: number; fetchedAt: number },
  validate: ValueCheck<T> | undefined,
  secrets: readonly string[],
): EncodedEntry<T> | QahtError {
  if (value === undefined) return new QahtError('QAHT_ERR_INVALID_DATA', `${meta.source} fetch returned no value for ${meta.key}`);
  if (validate && !validate(value)) return new QahtError('QAHT_ERR_INVALID_DATA', `${meta.source} returned data of an unexpected shape`);
  return encodeEntry({ ...meta, value: secrets.length > 0 ? (scrubStrings(value, secrets) as T) : value });
}

/** A copy of a JSON-like value with secrets redacted from every string (keys included). */
export function scrubStrings(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [redactSecrets(name, secrets), scrubStrings(item, secrets)]));
  }
  return value;
}

/** How a lookup's refresh ended: fetched here, refreshed by a peer meanwhile, or failed (with the entry to fall back to). */
export type RefreshOutcome<T> =
  | { kind: 'fetched'; entry: CacheEntry<T> }
  | { kind: 'peer'; entry: CacheEntry<T> }
  | { kind: 'failed'; error: unknown; entry: CacheEntry<T> | undefined };

/** A lookup's TTL, stale limit and whether the run forces a refresh. */
export interface ServePolicy {
  ttlMs: number;
  maxStaleMs: number;
  forceRefresh: boolean;
}

/** The answer of a lookup that may not fetch (`--offline`, or no fetch function): what is cached, or a failure saying why. */
export function serveWithoutFetch<T>(
  seen: CacheEntry<T> | undefined,
  key: string,
  mode: CacheMode,
  policy: ServePolicy,
  nowMs: number,
): CacheLookup<T> {
  if (seen) return serveFallback(seen, policy, nowMs);
  const reason =
    mode === 'offline' ? `offline, and nothing is cached for ${key}` : `nothing is cached for ${key} and there is no way to fetch it`;
  return { status: 'failed', error: new QahtError('QAHT_ERR_NO_DATA', reason) };
}

/** The answer of a lookup whose refresh ended as `outcome`; `seen` is what the lookup found before it. */
export function serveOutcome<T>(
  outcome: RefreshOutcome<T>,
  seen: CacheEntry<T> | undefined,
  policy: ServePolicy,
  nowMs: number,
): CacheLookup<T> {
  switch (outcome.kind) {
    case 'fetched':
      return serveEntry('fresh', outcome.entry, nowMs);
    case 'peer':
      return serveEntry('cached', outcome.entry, nowMs);
    case 'failed': {
      const fallback = outcome.entry ?? seen;
      return fallback ? serveFallback(fallback, policy, nowMs, outcome.error) : { status: 'failed', error: outcome.error };
    }
  }
}

/**
 * A refresh once the backend holds the key's fill lock and has re-read the entry (`current`):
 * a peer's fresh entry written since the lookup started is taken as it is; otherwise the value is
 * fetched, encoded and stored. Fetch and encoding failures are outcomes, never thrown.
 */
export async function fillEntry<T>(request: {
  current: CacheEntry<T> | undefined;
  seen: CacheEntry<T> | undefined;
  ttlMs: number;
  forceRefresh: boolean;
  startedAt: number;
  nowMs: number;
  fetch: (stored: T | undefined) => Promise<T>;
  encode: (value: T) => EncodedEntry<T> | QahtError;
  store: (encoded: EncodedEntry<T>) => Promise<void>;
}): Promise<RefreshOutcome<T>> {
  const { current, seen } = request;
  if (
    current &&
    isFresh(current, request.ttlMs, request.nowMs) &&
    (!request.forceRefresh || writtenSince(current, seen, request.startedAt))
  ) {
    return { kind: 'peer', entry: current };
  }
  const base = current ?? seen;
  let value: T;
  try {
    value = await request.fetch(base?.value);
  } catch (error) {
    return { kind: 'failed', error, entry: base };
  }
  const encoded = request.encode(value);
  if (encoded instanceof QahtError) return { kind: 'failed', error: encoded, entry: base };
  await request.store(encoded);
  return { kind: 'fetched', entry: encoded.entry };
}

/**
 * `entry` when its value passes `validate`, checked once per entry (`validated` remembers the
 * entries that passed); otherwise undefined, after `onInvalid` (the backend drops it from memory
 * and counts it).
 */
export function usableEntry<T>(
  entry: CacheEntry<T> | undefined,
  validate: ValueCheck<T> | undefined,
  validated: WeakMap<CacheEntry, ValueCheck<unknown>>,
  onInvalid: (entry: CacheEntry<T>) => void,
): CacheEntry<T> | undefined {
  if (!entry || !validate || validated.get(entry) === validate) return entry;
  if (validate(entry.value)) {
    validated.set(entry, validate);
    return entry;
  }
  onInvalid(entry);
  return undefined;
}

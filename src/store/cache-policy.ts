/**
 * The cache's serving rules, shared by every backend (disk-cache.ts, redis/redis-cache.ts): when
 * an entry is fresh, how a served entry is reported, which entry a failed or skipped fetch falls
 * back to, and how a fetched value becomes an entry. Pure: the backends bring the clock.
 */
import { QahtError } from '../errors.js';
import { CACHE_HIT_COUNTER, CACHE_MISS_COUNTER } from '../metric-names.js';
import { redactSecrets } from '../redact.js';
import { encodeEntry, type CacheEntry, type EncodedEntry } from './cache-entry.js';
import type { CacheLookup, CacheStatus, ValueCheck } from './cache-types.js';

/** Within its TTL. |age|: an entry stamped in the future (clock moved back) is fresh only within one TTL. */
export function isFresh(entry: CacheEntry, ttlMs: number, nowMs: number): boolean {
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

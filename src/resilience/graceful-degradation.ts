import type { FallbackCache } from '../fallback-cache.js';

// The library entry names it with the fallback that reads it.
export type { FallbackCache };
import { monotonicMs, systemClock, type Clock } from '../time/clock.js';

/** How one source fared in `multiSourceFetch`. */
export interface SourceOutcome {
  ok: boolean;
  /** What the source threw, when `ok` is false. */
  error?: unknown;
  /** Time the source took, in ms. */
  durationMs: number;
}

export interface MultiSourceResult<T> {
  /** Values of the sources that succeeded, keyed by source name. */
  results: Record<string, T>;
  /** One entry per source, in the order given. */
  report: Record<string, SourceOutcome>;
  /** Names of the sources that failed, in the order given. */
  failures: string[];
}

export interface MultiSourceOptions {
  /** High-resolution time source for durations, in ms. @default monotonicMs */
  now?: () => number;
}

/**
 * Runs every source concurrently and keeps whatever worked. Never throws: when every source
 * fails, `results` is empty and `report` says why, so the caller decides how loud to be.
 */
export async function multiSourceFetch<T>(
  sources: Record<string, () => Promise<T>>,
  options: MultiSourceOptions = {},
): Promise<MultiSourceResult<T>> {
  const now = options.now ?? monotonicMs;
  const names = Object.keys(sources);
  const settled = await Promise.all(
    names.map(async (name) => {
      const startedAt = now();
      try {
        // Awaited inside the try so that a source throwing synchronously is caught too.
        const value = await (sources[name] as () => Promise<T>)();
        return { name, ok: true as const, value, durationMs: now() - startedAt };
      } catch (error) {
        return { name, ok: false as const, error, durationMs: now() - startedAt };
      }
    }),
  );
  const results: Array<[string, T]> = [];
  const report: Array<[string, SourceOutcome]> = [];
  const failures: string[] = [];
  for (const outcome of settled) {
    if (outcome.ok) {
      results.push([outcome.name, outcome.value]);
      report.push([outcome.name, { ok: true, durationMs: outcome.durationMs }]);
    } else {
      failures.push(outcome.name);
      report.push([outcome.name, { ok: false, error: outcome.error, durationMs: outcome.durationMs }]);
    }
  }
  // fromEntries defines own properties, so a source named "__proto__" cannot alter the prototype.
  return { results: Object.fromEntries(results), report: Object.fromEntries(report), failures };
}

/** `fresh`: fetched now; `cached`: from cache within its age limit; `stale`: older, served anyway. */
export type FallbackStatus = 'fresh' | 'cached' | 'stale';

export interface FallbackResult<T> {
  value: T;
  status: FallbackStatus;
  /** Age of the value in ms (0 when fresh). */
  ageMs: number;
  /** Set when the caller should tell the user something (stale data, a cache that would not store). */
  warning?: string;
  /** The fetch error that made the cache answer. */
  error?: unknown;
}

export interface StaleCacheFallbackOptions<T> {
  fetch: () => Promise<T>;
  cacheKey: string;
  /** Cache entries up to this age count as `cached`; older ones are served as `stale`. */
  maxAgeHours: number;
  cache: FallbackCache;
  /** @default systemClock */
  clock?: Clock;
  /** When set, a cache entry younger than this is returned without fetching, in ms. */
  freshTtlMs?: number;
}

/**
 * Fresh data when possible, else the newest cached copy: fresh fetch (stored) → cache within
 * `maxAgeHours` → older cache, served with a warning → the fetch error. Cache read or write
 * failures never hide a result: a broken cache is a miss.
 * @throws the fetch error when the fetch fails and nothing is cached.
 */
export async function staleCacheFallback<T>(options: StaleCacheFallbackOptions<T>): Promise<FallbackResult<T>> {
  const { fetch, cacheKey, maxAgeHours, cache, clock = systemClock, freshTtlMs } = options;
  if (!(maxAgeHours >= 0)) {
    throw new RangeError(`staleCacheFallback: expected maxAgeHours to be a number >= 0, got ${String(maxAgeHours)}`);
  }
  const readCache = async (): Promise<{ value: unknown; storedAt: number } | undefined> => {
    try {
      return await cache.get(cacheKey);
    } catch {
      return undefined;
    }
  };
  const ageOf = (storedAt: number): number => Math.max(0, clock.now() - storedAt);

  const early = freshTtlMs === undefined ? undefined : await readCache();
  // Values in the cache were stored by this same code path from a `T`.
  if (early && freshTtlMs !== undefined && ageOf(early.storedAt) <= freshTtlMs) {
    return { value: early.value as T, status: 'cached', ageMs: ageOf(early.storedAt) };
  }

  let fetchError: unknown;
  try {
    const value = await fetch();
    try {
      await cache.set(cacheKey, value);
      return { value, status: 'fresh', ageMs: 0 };
    } catch (error) {
      return { value, status: 'fresh', ageMs: 0, warning: `could not store ${cacheKey} in the cache: ${messageOf(error)}` };
    }
  } catch (error) {
    fetchError = error;
  }

  const entry = early ?? (await readCache());
  if (!entry) throw fetchError;
  const ageMs = ageOf(entry.storedAt);
  if (ageMs <= maxAgeHours * 3_600_000) return { value: entry.value as T, status: 'cached', ageMs, error: fetchError };
  return {
    value: entry.value as T,
    status: 'stale',
    ageMs,
    error: fetchError,
    warning: `serving ${cacheKey} from a cache ${formatAge(ageMs)} old (over ${maxAgeHours} h) because the fetch failed: ${messageOf(fetchError)}`,
  };
}

/** The degradation helpers under the name the public contract uses. */
export const GracefulDegradation = Object.freeze({ multiSourceFetch, staleCacheFallback });

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${Math.round(hours / 24)} d` : `${Math.round(hours * 10) / 10} h`;
}

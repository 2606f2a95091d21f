/**
 * `screen status`: the health of every source as the state store and the disk cache remember it.
 * Reads files only: no network and no HTTP client. Nothing is created either: the cache is listed
 * without `DiskCache.open`, which would create the folder (listing does remove corrupt entry
 * files, as every cache read does).
 */
import type { CacheEntryHealth, HostHealth, SourceHealth, StatusReport } from '../../output/status-report.js';
import { isBreakerSnapshot } from '../../resilience/circuit-breaker.js';
import { DAILY_BUDGETS, DOCUMENTED_DELAY_MS } from '../../sources/documented-rates.js';
import { redactText } from '../../redact.js';
import { apiKeyFor, apiKeysIn, hostsFor, KEY_ENV_VARS, SOURCE_NAMES, type Env, type SourceName } from '../../sources/source-names.js';
import { isFresh } from '../../store/cache-policy.js';
import type { CacheListing } from '../../store/cache-types.js';
import { savedBreaker } from '../../resilience/breaker-defaults.js';
import { savedPace } from '../../resilience/limiter-snapshot.js';
import { inspectCacheDir } from '../../store/file/cache-dir-health.js';
import { DiskCache } from '../../store/file/disk-cache.js';
import { utcDay, type BudgetState, type HostState, type SourceState } from '../../store/file/state-file.js';
import { StateStore } from '../../store/file/state-store.js';
import type { StoreFs } from '../../store/file/store-fs.js';
import type { StoreLocation } from '../../store/store-location.js';
import { systemClock, type Clock } from '../../time/clock.js';

/** "Recent runs" for the 429 count. */
const RATE_LIMIT_WINDOW_MS = 24 * 3600_000;
/** Sources whose key only raises limits; every other keyed source is skipped without its key. */
const OPTIONAL_KEY_SOURCES: readonly SourceName[] = ['coingecko'];

/** What `buildStatus` reads; `hosts` and `sources` are `StateStore.state`'s maps. */
export interface StatusInput {
  cacheDir: string;
  /** @default the cache dir */
  stateDir?: string;
  env: Env;
  nowMs: number;
  hosts: Readonly<Record<string, HostState>>;
  sources: Readonly<Record<string, SourceState>>;
  budgets: Readonly<Record<string, BudgetState>>;
  listings: readonly CacheListing[];
}

/**
 * Loads the state store and the cache listing of `cacheDir` and builds the report. A missing or
 * corrupt state file reads as "nothing known", a missing cache folder as "nothing cached".
 */
export async function gatherStatus(options: {
  cacheDir: string;
  /** @default the cache dir */
  stateDir?: string;
  env: Env;
  clock?: Clock;
  fs?: StoreFs;
  /** The store to read. @default the file store */
  store?: StoreLocation;
}): Promise<StatusReport> {
  const clock = options.clock ?? systemClock;
  const stateDir = options.stateDir ?? options.cacheDir;
  const location = options.store ?? { kind: 'file' };
  const cacheProblems = inspectCacheDir(options.cacheDir, options.fs ? { fs: options.fs } : {});
  let problem: string | null = null;
  if (location.kind === 'redis') {
    const { readSharedStatus } = await import('../../runtime/shared-status.js');
    const hosts = [...new Set(SOURCE_NAMES.flatMap((name) => hostsFor(name, options.env)))];
    const shared = await readSharedStatus({
      location,
      cacheDir: options.cacheDir,
      stateDir,
      clock,
      hosts,
      onUnreachable: (reason) => {
        problem = `${reason}; showing the file store in ${options.cacheDir}`;
      },
    });
    if (shared) {
      const report = buildStatus({ cacheDir: options.cacheDir, stateDir, env: options.env, nowMs: clock.now(), ...shared });
      return { ...report, store: { kind: 'redis', url: location.safeUrl, problem: null }, cacheProblems: await cacheProblems };
    }
  }
  const [store, listings] = await Promise.all([
    StateStore.load(stateDir, { clock }),
    new DiskCache({ dir: options.cacheDir, clock }).list(),
  ]);
  const { hosts, sources, budgets } = store.state;
  const report = buildStatus({
    cacheDir: options.cacheDir,
    stateDir,
    env: options.env,
    nowMs: clock.now(),
    hosts,
    sources,
    budgets,
    listings,
  });
  const url = location.kind === 'redis' ? location.safeUrl : null;
  return { ...report, store: { kind: 'file', url, problem }, cacheProblems: await cacheProblems };
}

/** The report for every source in `SOURCE_NAMES` order, from already-loaded state. */
export function buildStatus(input: StatusInput): StatusReport {
  // One instant for the whole report, so restored breakers and ages agree to the millisecond.
  const frozen: Clock = { now: () => input.nowMs, sleep: () => Promise.resolve() };
  return {
    generatedAt: input.nowMs,
    cacheDir: input.cacheDir,
    stateDir: input.stateDir ?? input.cacheDir,
    sources: SOURCE_NAMES.map((name) => sourceHealth(name, input, frozen)),
    store: { kind: 'file', url: null, problem: null },
    cacheProblems: [],
  };
}

function dailyBudget(name: SourceName, input: StatusInput): SourceHealth['dailyBudget'] {
  const limit = (DAILY_BUDGETS as Partial<Record<SourceName, number>>)[name];
  if (limit === undefined) return null;
  const spent = input.budgets[name];
  return { limit, usedToday: spent && spent.day === utcDay(input.nowMs) ? spent.used : 0 };
}

function sourceHealth(name: SourceName, input: StatusInput, clock: Clock): SourceHealth {
  const saved = input.sources[name] ?? {};
  const variable = KEY_ENV_VARS[name] ?? null;
  return {
    name,
    key: {
      variable,
      required: variable !== null && !OPTIONAL_KEY_SOURCES.includes(name),
      configured: apiKeyFor(name, input.env) !== undefined,
    },
    hosts: hostsFor(name, input.env).map((host) => hostHealth(host, input, clock)),
    documentedDelayMs: DOCUMENTED_DELAY_MS[name],
    lastSuccessAt: saved.lastSuccessAt ?? null,
    lastFailureAt: saved.lastFailureAt ?? null,
    // Stored redacted; redacted again for what an older version may have stored, by today's keys and shapes.
    lastFailureReason:
      saved.lastFailureAt !== undefined && saved.lastFailureReason !== undefined
        ? redactText(saved.lastFailureReason, apiKeysIn(input.env))
        : null,
    rateLimits24h: (saved.rateLimitEvents ?? []).filter((at) => input.nowMs - at <= RATE_LIMIT_WINDOW_MS).length,
    dailyBudget: dailyBudget(name, input),
    cache: input.listings
      .filter((listing) => listing.source === name)
      .map((listing) => cacheEntryHealth(listing, input.nowMs))
      .sort((a, b) => b.fetchedAt - a.fetchedAt),
  };
}

function hostHealth(host: string, input: StatusInput, clock: Clock): HostHealth {
  const saved = input.hosts[host];
  const snapshot = saved?.breaker;
  const breaker = savedBreaker(host, snapshot, clock);
  const state = breaker.state;
  const limiter = savedPace(saved?.limiter);
  return {
    host,
    breaker: state,
    failures: isBreakerSnapshot(snapshot) && snapshot.state === 'CLOSED' ? snapshot.failures : 0,
    nextProbeAt: state === 'CLOSED' ? null : input.nowMs + breaker.retryAfterMs(),
    learnedDelayMs: limiter?.delayMs ?? null,
    blockedUntil: limiter && limiter.blockedUntil > input.nowMs ? limiter.blockedUntil : null,
    updatedAt: saved?.updatedAt ?? null,
  };
}

/** One listing as a report row; shared with `screen cache ls`. */
export function cacheEntryHealth(listing: CacheListing, nowMs: number): CacheEntryHealth {
  const ageMs = Math.max(0, nowMs - listing.fetchedAt);
  return {
    key: listing.key,
    fetchedAt: listing.fetchedAt,
    ageMs,
    ttlMs: listing.ttlMs,
    fresh: isFresh(listing, listing.ttlMs, nowMs),
    sizeBytes: listing.sizeBytes,
  };
}

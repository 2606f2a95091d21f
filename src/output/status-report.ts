/**
 * The health report `screen status` shows, as `commands/status/run.ts` builds it from the state file
 * and the cache listing, and as the status table and JSON render it.
 */
import type { BreakerStateName } from '../resilience/circuit-breaker.js';

/** One host a source talks to, with its breaker and limiter as the last run left them. */
export interface HostHealth {
  /** `host` or `host:port`, as the state store keys it. */
  host: string;
  /** The state a request made now would meet (OPEN reads HALF_OPEN once its recovery time passed). */
  breaker: BreakerStateName;
  /** Consecutive failures counted while CLOSED. */
  failures: number;
  /** Epoch ms from which a probe may go out; null while CLOSED. */
  nextProbeAt: number | null;
  /** The delay between requests learned by earlier runs, in ms; null when nothing was learned. */
  learnedDelayMs: number | null;
  /** Epoch ms until which the host asked not to be called (Retry-After); null when not blocked. */
  blockedUntil: number | null;
  /** Epoch ms of the last run that saved this host; null when never seen. */
  updatedAt: number | null;
}

/** One cache entry of a source. */
export interface CacheEntryHealth {
  key: string;
  /** Epoch ms. */
  fetchedAt: number;
  ageMs: number;
  ttlMs: number;
  /** Within its TTL (a run would serve it without fetching). */
  fresh: boolean;
  sizeBytes: number;
}

export interface SourceHealth {
  /** A source name (`SOURCE_NAMES`). */
  name: string;
  /** The key variable; `configured` never reveals the key itself. */
  key: { variable: string | null; required: boolean; configured: boolean };
  /** The host(s) the base URL points at: Binance's fallback chain unless overridden. */
  hosts: HostHealth[];
  /** The spacing the API's published limits ask for, in ms. */
  documentedDelayMs: number;
  /** Epoch ms; null when unknown (or older than the state store keeps). */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  /** Secret-free, but may quote an API's words: sanitise before printing. */
  lastFailureReason: string | null;
  /** Rate-limit answers recorded in the last 24 h. */
  rateLimits24h: number;
  /** Sources with a daily call budget (Alpha Vantage, NewsAPI): the limit and what today (UTC) used. */
  dailyBudget: { limit: number; usedToday: number } | null;
  /** Newest first. */
  cache: CacheEntryHealth[];
}

/** The store the report was read from. */
export interface StoreHealth {
  /** `redis` when the shared store answered; `file` for the file store (the default, or Redis unreachable). */
  kind: 'file' | 'redis';
  /** The Redis URL without its password, when one is selected (null for the file store). */
  url: string | null;
  /** Why the selected Redis store did not serve (one line, password-free); null when it did or none was selected. */
  problem: string | null;
}

export interface StatusReport {
  /** Epoch ms. */
  generatedAt: number;
  /** Where cached responses are kept. */
  cacheDir: string;
  /** Where resilience state is kept (the cache dir unless the package is installed). */
  stateDir: string;
  store: StoreHealth;
  sources: SourceHealth[];
  /** What keeps the cache dir from caching (full disk, read-only, a directory in an entry's place), one sentence each. */
  cacheProblems: string[];
}

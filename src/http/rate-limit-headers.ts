import { parseRetryAfter } from '../resilience/retry-after.js';

/** Binance's REQUEST_WEIGHT budget per IP per minute (api-notes §2). */
export const BINANCE_WEIGHT_PER_MINUTE = 6000;
/** Share of the weight budget past which requests are spread over the rest of the minute. */
export const BINANCE_SLOWDOWN_SHARE = 0.8;
/** A reset further away than this is treated as bogus and capped. */
const MAX_RESET_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

/** What a response's headers say about pacing the host. All times are epoch ms. */
export interface RateLimitSignals {
  /** Parsed `Retry-After`, in ms from now. */
  retryAfterMs?: number;
  /** No request to the host before this time (budget exhausted). */
  blockUntilMs?: number;
  /** A minimum spacing between requests that keeps the host inside its budget, in ms. */
  paceMs?: number;
}

/** Lower-cased response headers, as `HttpResponse.headers` holds them. */
type Headers = Readonly<Record<string, string>>;

/**
 * Reads every rate-limit signal qaht understands from one response:
 * - `Retry-After` (seconds or HTTP date);
 * - `X-MBX-USED-WEIGHT-1M` against Binance's 6000/minute: above 80 % the remaining weight is
 *   spread over what is left of the minute, at or over the budget the host waits for the next minute;
 * - `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset` (epoch seconds, epoch ms or seconds from now).
 * `lastRequestWeight` is the weight one request is assumed to cost when pacing (default 1).
 */
export function readRateLimitSignals(headers: Headers, nowMs: number, lastRequestWeight = 1): RateLimitSignals {
  const signals: RateLimitSignals = {};
  const retryAfterMs = parseRetryAfter(headers['retry-after'], nowMs);
  if (retryAfterMs !== undefined) signals.retryAfterMs = retryAfterMs;

  const used = toNumber(headers['x-mbx-used-weight-1m']);
  if (used !== undefined) Object.assign(signals, binanceWeightSignals(used, nowMs, lastRequestWeight));

  const remaining = toNumber(headers['x-ratelimit-remaining']);
  const resetAt = parseReset(headers['x-ratelimit-reset'], nowMs);
  if (remaining !== undefined && remaining <= 0 && resetAt !== undefined && resetAt > nowMs) {
    signals.blockUntilMs = Math.max(signals.blockUntilMs ?? 0, resetAt);
  }
  return signals;
}

/**
 * Binance counts weight in fixed calendar minutes. Over budget: wait for the next minute.
 * Near it: pace so that the remaining weight lasts until the minute ends.
 */
export function binanceWeightSignals(usedWeight: number, nowMs: number, requestWeight = 1): RateLimitSignals {
  const nextMinute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  if (usedWeight >= BINANCE_WEIGHT_PER_MINUTE) return { blockUntilMs: nextMinute };
  if (usedWeight <= BINANCE_WEIGHT_PER_MINUTE * BINANCE_SLOWDOWN_SHARE) return {};
  const requestsLeft = Math.max(1, (BINANCE_WEIGHT_PER_MINUTE - usedWeight) / Math.max(1, requestWeight));
  return { paceMs: (nextMinute - nowMs) / requestsLeft };
}

/** `X-RateLimit-Reset`: epoch ms, epoch seconds, or seconds from now, told apart by magnitude. */
export function parseReset(value: string | undefined, nowMs: number): number | undefined {
  const n = toNumber(value);
  if (n === undefined || n < 0) return undefined;
  let at: number;
  if (n >= 1e12) at = n;
  else if (n >= 1e9) at = n * 1000;
  else at = nowMs + n * 1000;
  return Math.min(at, nowMs + MAX_RESET_MS);
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.split(',')[0]);
  return Number.isFinite(n) ? n : undefined;
}

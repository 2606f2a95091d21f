import { isCircuitOpenError, isRetryableError } from '../errors.js';
import { abortReason, systemClock, type Clock } from '../time/clock.js';
import { computeBackoffMs, type JitterMode } from './backoff.js';

/** Told before each wait: which attempt failed (1 = the first call), why, and the wait in ms. */
export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  /** Retries after the first attempt. @default 3 */
  maxRetries?: number;
  /** Backoff before the first retry, in ms (doubles each time). @default 2000 */
  baseDelayMs?: number;
  /** Cap on a computed backoff, in ms. @default 30_000 */
  maxDelayMs?: number;
  /**
   * Longest server-requested wait (`retryAfterMs` on the error) that is honoured, in ms. A longer
   * one throws at once: a CLI run should fall back to cache rather than sleep for minutes.
   * @default 120_000
   */
  maxRetryAfterMs?: number;
  /** @default 'full' */
  jitter?: JitterMode;
  /** @default systemClock */
  clock?: Clock;
  /** Cancels the wait between attempts (and is handed to `fn`). */
  signal?: AbortSignal;
  /** @default Math.random */
  random?: () => number;
  /** Whether an error is transient. @default isRetryableError */
  shouldRetry?: (error: unknown) => boolean;
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Calls `fn` until it succeeds or a guard clause gives up. The wait runs on `clock.sleep`, whose
 * system timer stays referenced: a pending retry keeps the process alive until it has run.
 * @throws the last error from `fn`, or the signal's reason when aborted during a wait.
 */
export async function retry<T>(fn: (attempt: number, signal?: AbortSignal) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { maxRetries = 3, maxRetryAfterMs = 120_000, clock = systemClock, signal, shouldRetry = isRetryableError, onRetry } = options;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`retry: expected maxRetries to be an integer >= 0, got ${String(maxRetries)}`);
  }
  let previousDelayMs: number | undefined;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await fn(attempt, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (attempt > maxRetries) throw error;
      // An open breaker already knows the dependency is down; retrying only hammers it.
      if (isCircuitOpenError(error)) throw error;
      if (!shouldRetry(error)) throw error;
      const serverDelayMs = retryAfterOf(error);
      let delayMs: number;
      if (serverDelayMs !== undefined) {
        // The server's own timing is authoritative: no jitter, but refuse absurd waits.
        if (serverDelayMs > maxRetryAfterMs) throw error;
        delayMs = serverDelayMs;
      } else {
        delayMs = computeBackoffMs(attempt, {
          baseDelayMs: options.baseDelayMs,
          maxDelayMs: options.maxDelayMs,
          jitter: options.jitter,
          random: options.random,
          previousDelayMs,
        });
        previousDelayMs = delayMs;
      }
      onRetry?.({ attempt, delayMs, error });
      if (delayMs > 0) await clock.sleep(delayMs, signal);
    }
  }
}

/** A server-requested delay carried by the error (QahtError.retryAfterMs), when it is usable. */
function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

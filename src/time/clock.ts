/**
 * Time as a dependency. Every time-based component (breaker, limiter, retry, cache TTLs, monitor)
 * takes a `Clock`, so tests drive time by hand instead of sleeping with tolerances.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (wall time: it is persisted and compared across runs). */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Builds the error a cancelled wait rejects with: the signal's own reason when it has one. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The real clock. `sleep` keeps its timer referenced on purpose: a pending retry must keep the
 * process alive (undici #3975), and the timer is cleared as soon as the signal aborts.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * Milliseconds on the process's monotonic clock: fine-grained and immune to wall-clock steps. It
 * is `process.hrtime`, not `performance.now()`, because the first touch of the global
 * `performance` loads perf_hooks, a few ms of start-up a cached run does not otherwise spend.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** A millisecond counter for measuring durations on `clock`: `monotonicMs` for the system clock. */
export function durationSource(clock: Clock): () => number {
  return clock === systemClock ? monotonicMs : () => clock.now();
}

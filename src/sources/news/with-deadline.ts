import { QahtError } from '../../errors.js';
import type { Clock } from '../../time/clock.js';

/**
 * Runs `task` under an overall deadline on `clock`: when `timeoutMs` (counted from `startedAt`,
 * epoch ms, default now) passes first, the task's signal is aborted and the returned promise
 * rejects with QAHT_ERR_TIMEOUT at once, even if the task ignores its signal. This bounds a
 * source's whole fetch (limiter wait, attempts, retries), which a per-attempt timeout alone does
 * not; a `startedAt` at the start of the run also counts what came before the fetch (the cache
 * lookup, loading the HTTP client). The timer is cancelled as soon as the task settles.
 */
export async function withDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  label: string,
  task: (signal: AbortSignal) => Promise<T>,
  startedAt: number = clock.now(),
  /** What to say instead of "did not answer" at the deadline (e.g. the request was never sent); undefined keeps it. */
  describeTimeout?: (within: string) => string | undefined,
): Promise<T> {
  const taskController = new AbortController();
  const timerController = new AbortController();
  const deadline = clock.sleep(Math.max(0, startedAt + timeoutMs - clock.now()), timerController.signal).then(
    () => {
      const within = formatSeconds(timeoutMs);
      const error = new QahtError('QAHT_ERR_TIMEOUT', describeTimeout?.(within) ?? `${label} did not answer within ${within}`);
      taskController.abort(error);
      throw error;
    },
    // Cancelled because the task settled first: this branch must never win the race.
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([task(taskController.signal), deadline]);
  } finally {
    timerController.abort();
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
}

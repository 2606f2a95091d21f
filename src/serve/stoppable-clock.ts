import type { Clock } from '../time/clock.js';

/**
 * `clock`, with every sleep also ended by `stop`: the retry backoffs, limiter waits and schedule
 * waits of a long-lived service end at once when it shuts down, instead of keeping the process
 * alive until they are due. A sleep ended by `stop` rejects with `stop.reason`.
 */
export function stoppableClock(clock: Clock, stop: AbortSignal): Clock {
  return {
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal ? AbortSignal.any([signal, stop]) : stop),
  };
}

import { isQahtError } from '../../errors.js';
import { durationSource, type Clock } from '../../time/clock.js';
import type { AttemptContext, Step } from '../chain.js';
import type { ClientEvents } from '../client-events.js';
import { httpStatusOf } from './classify-response.js';

/**
 * Reports every attempt the breaker admitted, with its duration on the client's clock and how it
 * ended (the monitor's per-host latency and request counts come from these events).
 */
export function createObserveStep(deps: { events: ClientEvents; clock: Clock }): Step {
  const { events, clock } = deps;
  const elapsed = durationSource(clock);
  return (next) => async (context) => {
    if (!events.attempt.active) return next(context);
    const startedAt = elapsed();
    const report = (status: number | undefined, error?: unknown): void =>
      events.attempt.emit({
        ...about(context),
        at: clock.now(),
        durationMs: elapsed() - startedAt,
        status,
        code: isQahtError(error) ? error.code : error === undefined ? undefined : 'QAHT_ERR_CONNECTION',
      });
    try {
      const response = await next(context);
      report(response.status);
      return response;
    } catch (error) {
      report(isQahtError(error) ? httpStatusOf(error) : undefined, error);
      throw error;
    }
  };
}

function about(context: AttemptContext): { host: string; source: string | undefined; url: string } {
  return { host: context.host, source: context.source, url: context.safeUrl };
}

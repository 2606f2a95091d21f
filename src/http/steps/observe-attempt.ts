import { isQahtError, type QahtErrorCode } from '../../errors.js';
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
  const report = (context: AttemptContext, startedAt: number, status: number | undefined, code: QahtErrorCode | undefined): void =>
    events.attempt.emit({
      host: context.host,
      source: context.source,
      url: context.safeUrl,
      at: clock.now(),
      durationMs: elapsed() - startedAt,
      status,
      code,
    });
  return (next) => async (context) => {
    if (!events.attempt.active) return next(context);
    const startedAt = elapsed();
    try {
      const response = await next(context);
      report(context, startedAt, response.status, undefined);
      return response;
    } catch (error) {
      if (isQahtError(error)) report(context, startedAt, httpStatusOf(error), error.code);
      else report(context, startedAt, undefined, 'QAHT_ERR_CONNECTION');
      throw error;
    }
  };
}

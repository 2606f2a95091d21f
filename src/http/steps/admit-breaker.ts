import { CircuitOpenError, isCircuitOpenError, isQahtError } from '../../errors.js';
import type { Clock } from '../../time/clock.js';
import type { AttemptContext, Step } from '../chain.js';
import { hostVerdict } from '../classify-error.js';
import type { ClientEvents } from '../client-events.js';
import type { HostBreakers } from '../../resilience/host-breakers.js';
import type { HostBreaker } from '../../resilience/host-policies.js';

/** What the breaker steps need. */
export interface BreakerStepDeps {
  breakers: HostBreakers;
  events: ClientEvents;
  clock: Clock;
}

/**
 * Before pacing: an open breaker refuses at once, so a request to a host that is down never
 * waits for a slot (the wait grows during an outage) only to be refused.
 */
export function createRejectWhenOpenStep(deps: BreakerStepDeps): Step {
  return (next) => (context) => {
    const waitMs = deps.breakers.for(context.host).retryAfterMs();
    if (waitMs > 0) return Promise.reject(refuse(deps, context, waitMs));
    return next(context);
  };
}

/**
 * After pacing: admits the attempt (a half-open probe only once its slot has come, so the wait
 * does not eat the probe's time limit), then tells the breaker how it went. The attempt's outcome
 * is final here: classification (soft limits included) has already run inside it.
 */
export function createAdmitBreakerStep(deps: BreakerStepDeps): Step {
  return (next) => async (context) => {
    const breaker = deps.breakers.for(context.host);
    try {
      // A shared breaker answers asynchronously; an in-process one at once, without a turn of the event loop.
      const admission = breaker.tryAcquire();
      if (admission) await admission;
    } catch (error) {
      if (isCircuitOpenError(error)) throw refuse(deps, context, error.retryAfterMs, error);
      throw error;
    }
    try {
      const response = await next(context);
      breaker.recordSuccess();
      return response;
    } catch (error) {
      record(breaker, error);
      throw error;
    }
  };
}

function record(breaker: HostBreaker, error: unknown): void {
  switch (isQahtError(error) ? hostVerdict(error) : 'failure') {
    case 'rate-limit':
    case 'failure':
      breaker.recordFailure();
      return;
    case 'answered':
      breaker.recordSuccess();
      return;
    case 'nothing':
      // An abort says nothing about the host (a half-open probe left unreported expires by itself).
      return;
  }
}

function refuse(deps: BreakerStepDeps, context: AttemptContext, retryAfterMs: number, cause?: unknown): CircuitOpenError {
  deps.events.breakerRejection.emit({
    host: context.host,
    source: context.source,
    url: context.safeUrl,
    at: deps.clock.now(),
    retryAfterMs,
  });
  return new CircuitOpenError(retryAfterMs, { url: context.safeUrl, host: context.host, ...(cause === undefined ? {} : { cause }) });
}

import type { Agent } from 'undici';
import type { Clock } from '../time/clock.js';
import { composeSteps, type Attempt } from './chain.js';
import type { ClientEvents } from './client-events.js';
import type { HostBreakers } from '../resilience/host-breakers.js';
import type { HostPacing } from '../resilience/host-policies.js';
import { createAdmitBreakerStep, createRejectWhenOpenStep } from './steps/admit-breaker.js';
import { createRateLimitHeadersStep } from './steps/apply-rate-limit-headers.js';
import { createClassifyStep } from './steps/classify-response.js';
import { createDeadlineStep } from './steps/deadline.js';
import { createObserveStep } from './steps/observe-attempt.js';
import { createPaceStep } from './steps/pace-limiter.js';
import { createRedirectStep } from './steps/redirect.js';
import { createTransport, type TransportOptions } from './steps/transport.js';

/** Everything the steps share. */
export interface ClientChainDeps {
  agent: Agent;
  limiter: HostPacing;
  breakers: HostBreakers;
  events: ClientEvents;
  clock: Clock;
  maxRetryAfterMs: number;
  /** Longest wait for a pacing slot (see `AsyncAPIClientOptions.maxSlotWaitMs`). */
  maxSlotWaitMs: number;
  maxRedirects: number;
  transport: Omit<TransportOptions, 'agent'>;
}

/**
 * The per-attempt chain, composed once, outermost first. What happens to one attempt, in order:
 * 1. an open breaker refuses at once (before any wait);
 * 2. the host's limiter gives the attempt its slot (a block longer than `maxRetryAfterMs` fails at once);
 * 3. the breaker admits it (a half-open probe only now);
 * 4. it is observed (duration and outcome, for metrics);
 * 5. its deadline starts (time limit or the caller's abort, whichever comes first);
 * 6–8. it is sent (transport), each answer's rate-limit headers are applied, redirects are followed;
 * 9. the final answer is classified: a non-2xx status, or the source's `classify` on a 2xx;
 * then, on the way out, the breaker (3) and the limiter (2) learn the outcome.
 * Retry wraps the whole chain in the client, so a request is retried at this one layer.
 */
export function createClientChain(deps: ClientChainDeps): Attempt {
  const { limiter, breakers, events, clock } = deps;
  const breakerDeps = { breakers, events, clock };
  return composeSteps(
    [
      createRejectWhenOpenStep(breakerDeps),
      createPaceStep({ limiter, clock, events, maxRetryAfterMs: deps.maxRetryAfterMs, maxSlotWaitMs: deps.maxSlotWaitMs }),
      createAdmitBreakerStep(breakerDeps),
      createObserveStep({ events, clock }),
      createDeadlineStep(),
      createClassifyStep(),
      createRedirectStep(deps.maxRedirects),
      createRateLimitHeadersStep({ limiter, clock }),
    ],
    createTransport({ agent: deps.agent, ...deps.transport }),
  );
}

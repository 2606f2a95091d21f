import type { AdaptiveRateLimiter } from '../resilience/adaptive-rate-limiter.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { HttpLogger } from './client-options.js';

/** One breaker per host (`host:port`), made on first use by `breakerFor`. */
export class HostBreakers {
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #breakerFor: (host: string) => CircuitBreaker;
  readonly #limiter: AdaptiveRateLimiter;
  readonly #logger: HttpLogger | undefined;

  constructor(breakerFor: (host: string) => CircuitBreaker, limiter: AdaptiveRateLimiter, logger: HttpLogger | undefined) {
    this.#breakerFor = breakerFor;
    this.#limiter = limiter;
    this.#logger = logger;
  }

  /** Every host's breaker so far. */
  get all(): ReadonlyMap<string, CircuitBreaker> {
    return this.#breakers;
  }

  for(host: string): CircuitBreaker {
    let breaker = this.#breakers.get(host);
    if (!breaker) {
      breaker = this.#breakerFor(host);
      this.#breakers.set(host, breaker);
      breaker.onStateChange(({ from, to }) => {
        // Debug only: the runtime that owns the breakers reports transitions to the user.
        this.#logger?.debug({ host, from, to }, `circuit breaker for ${host} is now ${to}`);
        // A host that recovered from an outage starts over at its starting pace: the delay the
        // limiter grew during the outage measured the outage, not the API's rate limit.
        if (from === 'HALF_OPEN' && to === 'CLOSED') this.#limiter.resetDelay(host);
      });
    }
    return breaker;
  }
}

import type { HttpLogger } from './client-options.js';
import type { HostBreaker, HostPacing } from '../resilience/host-policies.js';

/** One breaker per host (`host:port`), made on first use by `breakerFor`. */
export class HostBreakers {
  readonly #breakers = new Map<string, HostBreaker>();
  readonly #breakerFor: (host: string) => HostBreaker;
  readonly #limiter: HostPacing;
  readonly #logger: HttpLogger | undefined;

  constructor(breakerFor: (host: string) => HostBreaker, limiter: HostPacing, logger: HttpLogger | undefined) {
    this.#breakerFor = breakerFor;
    this.#limiter = limiter;
    this.#logger = logger;
  }

  /** Every host's breaker so far. */
  get all(): ReadonlyMap<string, HostBreaker> {
    return this.#breakers;
  }

  for(host: string): HostBreaker {
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

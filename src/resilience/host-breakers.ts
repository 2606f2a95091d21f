import type { HostBreaker, HostPacing } from './host-policies.js';

/** Told of every breaker transition, once per registry. */
export type BreakerTransitionLog = (change: { host: string; from: string; to: string }) => void;

/**
 * The breaker registry: one breaker per host (`host:port`), made on first use by `breakerFor`, its
 * transitions reported once. A run's runtime builds the one registry and hands it to its client;
 * a client built without one (the library) makes its own.
 */
export class HostBreakers {
  readonly #breakers = new Map<string, HostBreaker>();
  readonly #breakerFor: (host: string) => HostBreaker;
  readonly #limiter: HostPacing;
  readonly #log: BreakerTransitionLog | undefined;

  constructor(breakerFor: (host: string) => HostBreaker, limiter: HostPacing, log?: BreakerTransitionLog) {
    this.#breakerFor = breakerFor;
    this.#limiter = limiter;
    this.#log = log;
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
        this.#log?.({ host, from, to });
        // A host that recovered from an outage starts over at its starting pace: the delay the
        // limiter grew during the outage measured the outage, not the API's rate limit.
        if (from === 'HALF_OPEN' && to === 'CLOSED') this.#limiter.resetDelay(host);
      });
    }
    return breaker;
  }
}

import { CircuitOpenError, isStoreUnavailable } from '../errors.js';
import type { CircuitBreaker, BreakerSnapshot, BreakerStateChange, BreakerStateName } from '../resilience/circuit-breaker.js';
import type { PendingWrites } from '../store/pending-writes.js';
import type { BreakerPort, BreakerReading, BreakerRules, BreakerStep } from '../store/store-ports.js';
import type { Clock } from '../time/clock.js';
import type { HostBreaker } from '../resilience/host-policies.js';

export interface SharedBreakerOptions {
  host: string;
  /** Where the breaker's state lives (Redis). */
  port: BreakerPort;
  rules: BreakerRules;
  /** The fleet's clock, which the store's times are on. */
  clock: Clock;
  /** Outcomes written behind the request, landed before the host's next admission (one set per run). */
  writes: PendingWrites;
  /** Builds the in-process breaker that takes over, from this state, once the store is down. */
  local: (snapshot: BreakerSnapshot) => CircuitBreaker;
}

/**
 * A host's circuit breaker whose state every process shares through the store: every admission
 * and outcome is one atomic step there (the rules of `CircuitBreaker`), so a breaker opened by
 * one process is open in all, and after the recovery time exactly one probe goes out fleet-wide.
 * What this process last read is kept, so an open breaker refuses at once without asking again
 * until its recovery time; outcomes are written behind the request (a success on a breaker known
 * closed with no failures changes nothing and is not sent). Once the store is down, an
 * in-process `CircuitBreaker`, started from the last state read, takes over.
 */
export class SharedBreaker implements HostBreaker {
  readonly host: string;
  readonly #port: BreakerPort;
  readonly #rules: BreakerRules;
  readonly #clock: Clock;
  readonly #writes: PendingWrites;
  readonly #makeLocal: (snapshot: BreakerSnapshot) => CircuitBreaker;
  readonly #listeners = new Set<(change: BreakerStateChange) => void>();
  #reading: Pick<BreakerReading, 'state' | 'failures' | 'openedAt' | 'since' | 'probes'> = {
    state: 'CLOSED',
    failures: 0,
    openedAt: 0,
    since: 0,
    probes: 0,
  };
  #local: CircuitBreaker | undefined;

  constructor(options: SharedBreakerOptions) {
    this.host = options.host;
    this.#port = options.port;
    this.#rules = options.rules;
    this.#clock = options.clock;
    this.#writes = options.writes;
    this.#makeLocal = options.local;
  }

  get state(): BreakerStateName {
    if (this.#local) return this.#local.state;
    const { state, openedAt } = this.#effective(this.#clock.now());
    if (state === 'CLOSED') return 'CLOSED';
    if (state === 'HALF_OPEN') return 'HALF_OPEN';
    return this.#clock.now() >= openedAt + this.#rules.recoveryTimeoutMs ? 'HALF_OPEN' : 'OPEN';
  }

  retryAfterMs(): number {
    if (this.#local) return this.#local.retryAfterMs();
    const now = this.#clock.now();
    const { state, openedAt, since, probes } = this.#effective(now);
    if (state === 'OPEN') return Math.max(0, openedAt + this.#rules.recoveryTimeoutMs - now);
    if (state === 'HALF_OPEN' && probes >= this.#rules.halfOpenMaxProbes) return Math.max(0, since + this.#rules.halfOpenMaxMs - now);
    return 0;
  }

  async tryAcquire(): Promise<void> {
    if (this.#local) {
      this.#local.tryAcquire();
      return;
    }
    await this.#writes.settle(this.host);
    let reading: BreakerReading;
    try {
      reading = await this.#step('acquire');
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      return this.#fallBack().tryAcquire();
    }
    if (!reading.admitted) throw new CircuitOpenError(reading.retryAfterMs);
  }

  recordSuccess(): void {
    if (this.#local) {
      this.#local.recordSuccess();
      return;
    }
    if (this.#reading.state === 'CLOSED' && this.#reading.failures === 0) return;
    this.#record('success');
  }

  recordFailure(): void {
    if (this.#local) {
      this.#local.recordFailure();
      return;
    }
    this.#record('failure');
  }

  onStateChange(listener: (change: BreakerStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  toJSON(): BreakerSnapshot {
    if (this.#local) return this.#local.toJSON();
    const { state, failures, openedAt, since } = this.#effective(this.#clock.now());
    if (state === 'CLOSED') return { state: 'CLOSED', failures, openedAt: null };
    // As CircuitBreaker saves it: a half-open breaker as one whose recovery time has just passed.
    return { state: 'OPEN', failures: 0, openedAt: state === 'OPEN' ? openedAt : since - this.#rules.recoveryTimeoutMs };
  }

  #record(step: BreakerStep): void {
    this.#writes.track(
      this.host,
      this.#step(step).catch((error: unknown) => {
        if (!isStoreUnavailable(error)) throw error;
        const local = this.#fallBack();
        if (step === 'success') local.recordSuccess();
        else local.recordFailure();
      }),
    );
  }

  async #step(step: BreakerStep): Promise<BreakerReading> {
    const reading = await this.#port.step(this.host, step, this.#rules);
    this.#reading = reading;
    if (reading.before !== reading.state) this.#emit({ from: reading.before, to: reading.state, at: this.#clock.now() });
    return reading;
  }

  /** The last reading with the timestamp rule applied: a half-open breaker whose probe never reported is open again. */
  #effective(now: number): BreakerSnapshotFields {
    const reading = this.#reading;
    if (reading.state === 'HALF_OPEN' && now >= reading.since + this.#rules.halfOpenMaxMs) {
      return { ...reading, state: 'OPEN', openedAt: reading.since + this.#rules.halfOpenMaxMs };
    }
    return reading;
  }

  /** The store answers again: the fleet's breaker state rules once more (the next call reads it). */
  rejoin(): void {
    this.#local = undefined;
  }

  #fallBack(): CircuitBreaker {
    if (this.#local) return this.#local;
    const local = this.#makeLocal(this.toJSON());
    local.onStateChange((change) => this.#emit(change));
    this.#local = local;
    return local;
  }

  #emit(change: BreakerStateChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // Observers (logs, metrics) never change the outcome of the call being protected.
      }
    }
  }
}

type BreakerSnapshotFields = Pick<BreakerReading, 'state' | 'failures' | 'openedAt' | 'since' | 'probes'>;

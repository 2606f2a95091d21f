import { CircuitOpenError } from '../errors.js';
import { systemClock, type Clock } from '../time/clock.js';

import type { BreakerStateName } from '../breaker-state.js';

/** The three states callers see (one spelling everywhere: breaker-state.ts). */
export type { BreakerStateName } from '../breaker-state.js';

/**
 * Persisted breaker state: plain JSON, written between CLI runs. A HALF_OPEN breaker is saved as
 * an OPEN one whose recovery time has already passed, so the restored breaker may probe at once.
 */
export interface BreakerSnapshot {
  state: 'CLOSED' | 'OPEN';
  /** Consecutive failures counted while CLOSED (0 otherwise). */
  failures: number;
  /** Epoch ms when the breaker opened; null while CLOSED. */
  openedAt: number | null;
}

/** A transition, reported to `onStateChange` listeners. `at` is epoch ms. */
export interface BreakerStateChange {
  from: BreakerStateName;
  to: BreakerStateName;
  at: number;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. @default 5 */
  failureThreshold?: number;
  /** Time OPEN before a probe is allowed, in ms. @default 60_000 */
  recoveryTimeoutMs?: number;
  /** Calls admitted concurrently while HALF_OPEN. @default 1 */
  halfOpenMaxProbes?: number;
  /**
   * Longest time HALF_OPEN may last, in ms. A probe that has not reported by then counts as
   * failed and the breaker opens again, so a hung probe cannot pin it. @default 30_000
   */
  halfOpenMaxMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** State to start from, e.g. a `toJSON()` saved by an earlier run. @default CLOSED */
  initialState?: BreakerSnapshot;
  /** A label (usually the host) for logs and listeners' own bookkeeping. */
  name?: string;
  /**
   * Which errors thrown by `call`'s function count as failures. Errors it rejects count as
   * successes: the dependency answered, the request was just not acceptable. @default every error
   */
  isFailure?: (error: unknown) => boolean;
}

type State =
  | { kind: 'closed'; failures: number }
  | { kind: 'open'; openedAt: number }
  | { kind: 'halfOpen'; since: number; probes: number };

type StateChangeListener = (change: BreakerStateChange) => void;

/**
 * A consecutive-failure circuit breaker. Every transition out of OPEN is decided from stored
 * timestamps when someone next asks, never by a timer: a CLI run lives seconds, and a breaker
 * restored from disk must behave the same as one that stayed in memory.
 */
export class CircuitBreaker {
  readonly name: string | undefined;
  readonly #failureThreshold: number;
  readonly #recoveryTimeoutMs: number;
  readonly #halfOpenMaxProbes: number;
  readonly #halfOpenMaxMs: number;
  readonly #clock: Clock;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #listeners = new Set<StateChangeListener>();
  #state: State;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#failureThreshold = requireInteger('failureThreshold', options.failureThreshold ?? 5, 1);
    this.#recoveryTimeoutMs = requireDuration('recoveryTimeoutMs', options.recoveryTimeoutMs ?? 60_000);
    this.#halfOpenMaxProbes = requireInteger('halfOpenMaxProbes', options.halfOpenMaxProbes ?? 1, 1);
    this.#halfOpenMaxMs = requireDuration('halfOpenMaxMs', options.halfOpenMaxMs ?? 30_000, 1);
    this.#clock = options.clock ?? systemClock;
    this.#isFailure = options.isFailure ?? (() => true);
    this.name = options.name;
    this.#state = options.initialState ? this.#fromSnapshot(options.initialState) : { kind: 'closed', failures: 0 };
  }

  /** Builds a breaker from a snapshot saved by `toJSON()`. */
  static fromJSON(snapshot: BreakerSnapshot, options: Omit<CircuitBreakerOptions, 'initialState'> = {}): CircuitBreaker {
    return new CircuitBreaker({ ...options, initialState: snapshot });
  }

  /** The state a call made now would meet: OPEN reads as HALF_OPEN once recovery time has passed. */
  get state(): BreakerStateName {
    const now = this.#clock.now();
    const state = this.#effective(now);
    switch (state.kind) {
      case 'closed':
        return 'CLOSED';
      case 'open':
        return this.#recoveryDue(state, now) ? 'HALF_OPEN' : 'OPEN';
      case 'halfOpen':
        return 'HALF_OPEN';
      default:
        return assertNever(state);
    }
  }

  /**
   * Runs `fn` through the breaker.
   * @throws CircuitOpenError without calling `fn` while OPEN, or while every HALF_OPEN probe is taken.
   */
  async call<T, A extends unknown[]>(fn: (...args: A) => Promise<T> | T, ...args: A): Promise<T> {
    this.tryAcquire();
    let result: T;
    try {
      result = await fn(...args);
    } catch (error) {
      if (this.#countsAsFailure(error)) this.recordFailure();
      else this.recordSuccess();
      throw error;
    }
    this.recordSuccess();
    return result;
  }

  /**
   * Admits one call or throws. In HALF_OPEN an admitted call is a probe: its outcome, reported
   * with `recordSuccess`/`recordFailure`, decides between CLOSED and OPEN.
   * @throws CircuitOpenError when the call is not admitted.
   */
  tryAcquire(): void {
    const now = this.#clock.now();
    const state = this.#settle(now);
    switch (state.kind) {
      case 'closed':
        return;
      case 'open':
        if (!this.#recoveryDue(state, now)) {
          throw new CircuitOpenError(state.openedAt + this.#recoveryTimeoutMs - now);
        }
        this.#transition({ kind: 'halfOpen', since: now, probes: 1 }, now);
        return;
      case 'halfOpen':
        if (state.probes >= this.#halfOpenMaxProbes) {
          throw new CircuitOpenError(state.since + this.#halfOpenMaxMs - now);
        }
        state.probes += 1;
        return;
      default:
        assertNever(state);
    }
  }

  /** Reports a successful call: closes a HALF_OPEN breaker, resets the failure count when CLOSED. */
  recordSuccess(): void {
    const now = this.#clock.now();
    const state = this.#settle(now);
    switch (state.kind) {
      case 'closed':
        state.failures = 0;
        return;
      case 'open':
        // A call admitted before the breaker tripped proves little; only a probe may close it.
        if (this.#recoveryDue(state, now)) this.#transition({ kind: 'closed', failures: 0 }, now);
        return;
      case 'halfOpen':
        this.#transition({ kind: 'closed', failures: 0 }, now);
        return;
      default:
        assertNever(state);
    }
  }

  /** Reports a failed call: counts it when CLOSED (opening at the threshold), re-opens a HALF_OPEN one. */
  recordFailure(): void {
    const now = this.#clock.now();
    const state = this.#settle(now);
    switch (state.kind) {
      case 'closed':
        state.failures += 1;
        if (state.failures >= this.#failureThreshold) this.#transition({ kind: 'open', openedAt: now }, now);
        return;
      case 'open':
        // Late failures from calls admitted before the trip must not push the recovery time back,
        // but once recovery is due a reported failure acts as a failed probe.
        if (this.#recoveryDue(state, now)) this.#transition({ kind: 'open', openedAt: now }, now);
        return;
      case 'halfOpen':
        this.#transition({ kind: 'open', openedAt: now }, now);
        return;
      default:
        assertNever(state);
    }
  }

  /** Milliseconds until a call would be admitted; 0 when one would be admitted now. */
  retryAfterMs(): number {
    const now = this.#clock.now();
    const state = this.#effective(now);
    switch (state.kind) {
      case 'closed':
        return 0;
      case 'open':
        return Math.max(0, state.openedAt + this.#recoveryTimeoutMs - now);
      case 'halfOpen':
        return state.probes < this.#halfOpenMaxProbes ? 0 : state.since + this.#halfOpenMaxMs - now;
      default:
        return assertNever(state);
    }
  }

  /** Plain JSON for persisting; restore with `initialState` or `CircuitBreaker.fromJSON`. */
  toJSON(): BreakerSnapshot {
    const state = this.#effective(this.#clock.now());
    switch (state.kind) {
      case 'closed':
        return { state: 'CLOSED', failures: state.failures, openedAt: null };
      case 'open':
        return { state: 'OPEN', failures: 0, openedAt: state.openedAt };
      case 'halfOpen':
        // Backdated so that the restored breaker finds its recovery time already passed.
        return { state: 'OPEN', failures: 0, openedAt: state.since - this.#recoveryTimeoutMs };
      default:
        return assertNever(state);
    }
  }

  /**
   * Calls `listener` on every transition. Listener errors are swallowed: observers (logs,
   * metrics) must never change the outcome of the call being protected.
   * @returns a function that removes the listener.
   */
  onStateChange(listener: StateChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** A throwing `isFailure` must not replace the caller's error, so it counts as a failure. */
  #countsAsFailure(error: unknown): boolean {
    try {
      return this.#isFailure(error);
    } catch {
      return true;
    }
  }

  #recoveryDue(state: { openedAt: number }, now: number): boolean {
    return now >= state.openedAt + this.#recoveryTimeoutMs;
  }

  /** The current state with the timestamp rule applied: an overdue HALF_OPEN is OPEN again. */
  #effective(now: number): State {
    const state = this.#state;
    if (state.kind === 'halfOpen' && now >= state.since + this.#halfOpenMaxMs) {
      return { kind: 'open', openedAt: state.since + this.#halfOpenMaxMs };
    }
    return state;
  }

  /** Like `#effective`, but commits the change (and tells listeners) before a mutation. */
  #settle(now: number): State {
    const effective = this.#effective(now);
    if (effective !== this.#state && effective.kind === 'open') this.#transition(effective, effective.openedAt);
    return this.#state;
  }

  #transition(next: State, at: number): void {
    const from = nameOf(this.#state);
    this.#state = next;
    const change: BreakerStateChange = { from, to: nameOf(next), at };
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // See onStateChange: observers cannot break the breaker.
      }
    }
  }

  #fromSnapshot(snapshot: BreakerSnapshot): State {
    const now = this.#clock.now();
    if (!isBreakerSnapshot(snapshot)) {
      throw new TypeError(`CircuitBreaker: expected initialState to be a BreakerSnapshot, got ${JSON.stringify(snapshot)}`);
    }
    // Held to what this breaker could itself have written: a CLOSED breaker counts fewer failures
    // than its threshold, and an opening in the future (a clock that moved backwards, or a damaged
    // file) keeps it open for one recovery time from now, never for longer.
    if (snapshot.state === 'CLOSED' || snapshot.openedAt === null) {
      return { kind: 'closed', failures: Math.min(Math.floor(snapshot.failures), this.#failureThreshold - 1) };
    }
    // An opening more than a day ahead is no clock skew: the state is damaged, and discarded.
    if (snapshot.openedAt > now + DAMAGED_AHEAD_MS) return { kind: 'closed', failures: 0 };
    return { kind: 'open', openedAt: Math.min(snapshot.openedAt, now) };
  }
}

/** A restored time further ahead than this is damaged, not skewed: a day. */
const DAMAGED_AHEAD_MS = 86_400_000;

/** Whether `value` has the shape `toJSON()` produces (use it to vet state read from disk). */
export function isBreakerSnapshot(value: unknown): value is BreakerSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const failuresOk = typeof v.failures === 'number' && Number.isFinite(v.failures) && v.failures >= 0;
  const openedAtOk = v.openedAt === null || (typeof v.openedAt === 'number' && Number.isFinite(v.openedAt));
  return (v.state === 'CLOSED' || (v.state === 'OPEN' && v.openedAt !== null)) && failuresOk && openedAtOk;
}

function nameOf(state: State): BreakerStateName {
  switch (state.kind) {
    case 'closed':
      return 'CLOSED';
    case 'open':
      return 'OPEN';
    case 'halfOpen':
      return 'HALF_OPEN';
    default:
      return assertNever(state);
  }
}

function requireInteger(option: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`CircuitBreaker: expected ${option} to be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function requireDuration(option: string, value: number, min = 0): number {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`CircuitBreaker: expected ${option} to be a finite number of ms >= ${min}, got ${String(value)}`);
  }
  return value;
}

function assertNever(value: never): never {
  throw new Error(`unreachable breaker state: ${JSON.stringify(value)}`);
}

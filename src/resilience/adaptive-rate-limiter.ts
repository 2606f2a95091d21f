import { abortReason, systemClock, type Clock } from '../time/clock.js';
import { clampHostSnapshot, isDamagedHostSnapshot, isHostSnapshot } from './limiter-snapshot.js';
import type { LimiterHostSnapshot, LimiterSnapshot } from './limiter-snapshot.js';
import { clamp, learnError, learnRateLimit, learnSuccess, type PaceBounds, type PaceState, type PaceTuning } from './pace-learner.js';

export type { LimiterHostSnapshot, LimiterSnapshot } from './limiter-snapshot.js';
export type { PaceBounds, PaceState } from './pace-learner.js';

/** A learning rule `applyRule` applies; times are epoch ms. */
export type PaceRule =
  | { kind: 'success'; nowMs: number; sincePreviousMs?: number }
  | { kind: 'rate-limit'; nowMs: number }
  | { kind: 'error' }
  | { kind: 'reset' }
  | { kind: 'pace'; delayMs: number };

/** Per-host limits, e.g. an API's documented rate. All in ms. */
export interface HostLimits {
  /** The host's starting delay (a delay learned in an earlier run wins over it). */
  defaultDelayMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /**
   * The API's documented spacing between requests. The host starts at it plus `arrivalMargin`
   * (so arrival jitter never trips a strict limit), never goes faster, and takes a first rate
   * limit there as jitter (a step back by `documentedRateLimitFactor`, not a doubling). Replaces
   * `defaultDelayMs` and `minDelayMs`.
   */
  documentedDelayMs?: number;
}

export interface AdaptiveRateLimiterOptions {
  /** Starting delay between requests to one host, in ms. @default 1000 */
  defaultDelayMs?: number;
  /** @default 0 */
  minDelayMs?: number;
  /** @default 120_000 */
  maxDelayMs?: number;
  /** Consecutive successes that earn a speed-up. @default 10 */
  successesToSpeedUp?: number;
  /** Delay multiplier after `successesToSpeedUp` successes. @default 0.9 */
  speedUpFactor?: number;
  /** Delay multiplier on a rate limit (HTTP 429 or a soft "slow down"). @default 2 */
  rateLimitFactor?: number;
  /** Delay multiplier on any other error. @default 1.5 */
  errorFactor?: number;
  /** How long a pace learned from a rate limit stops speed-ups below it, in ms. @default 3_600_000 */
  learnedFloorTtlMs?: number;
  /**
   * A quick ramp-up for hosts with no learned floor (no rate limit in the last
   * `learnedFloorTtlMs`): the request rate doubles per this many ms of back-to-back successes,
   * until the first rate limit. Off by default, which keeps the seed's 10 successes → × 0.9.
   * @default undefined
   */
  rampUpHalvingMs?: number;
  /** Share added to a documented delay for arrival jitter (`HostLimits.documentedDelayMs`). @default 0.04 */
  arrivalMargin?: number;
  /** Delay multiplier for a rate limit met at a documented pace. @default 1.1 */
  documentedRateLimitFactor?: number;
  /** Longest block `blockUntil` (or a restored snapshot) may set, in ms from now. @default 86_400_000 */
  maxBlockMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** State saved by `toJSON()` in an earlier run. */
  initialState?: LimiterSnapshot;
}

/** A host's learned state plus its schedule, which only matters within one process. */
interface HostState extends PaceState {
  blockedUntil: number;
  updatedAt: number;
  /** When the last caller was let through (-Infinity before the first). */
  lastStartAt: number;
  /** Settles when the last caller in line has started (or given up): the queue's tail. */
  turn: Promise<void>;
  /** Callers in line. */
  waiting: number;
  /** When the host's last success was recorded (the ramp measures back-to-back time). */
  lastSuccessAt?: number;
  /** When the delay last grew for a rate limit (one slow-down per pace). */
  slowedAt: number;
}

/**
 * Per-host pacing that learns. Callers queue per host in arrival order, and each starts one delay
 * after the one before it, so concurrent waiters are spaced instead of bursting together; the
 * delay is learned from outcomes by the rules in `pace-learner.ts` (the seed's multiplicative
 * steps by default).
 */
export class AdaptiveRateLimiter {
  readonly #limits: PaceBounds;
  readonly #tuning: PaceTuning;
  readonly #arrivalMargin: number;
  readonly #maxBlockMs: number;
  readonly #clock: Clock;
  readonly #hostLimits = new Map<string, PaceBounds>();
  readonly #hosts = new Map<string, HostState>();

  constructor(options: AdaptiveRateLimiterOptions = {}) {
    this.#arrivalMargin = requireAtLeast('arrivalMargin', options.arrivalMargin ?? 0.04, 0);
    this.#limits = resolveLimits(
      { defaultDelayMs: 1000, minDelayMs: 0, maxDelayMs: 120_000, documented: false },
      { defaultDelayMs: options.defaultDelayMs, minDelayMs: options.minDelayMs, maxDelayMs: options.maxDelayMs },
      this.#arrivalMargin,
    );
    const successes = options.successesToSpeedUp ?? 10;
    if (!Number.isInteger(successes) || successes < 1) {
      throw new RangeError(`AdaptiveRateLimiter: expected successesToSpeedUp to be an integer >= 1, got ${String(successes)}`);
    }
    this.#tuning = {
      successesToSpeedUp: successes,
      speedUpFactor: requirePositive('speedUpFactor', options.speedUpFactor ?? 0.9),
      rateLimitFactor: requirePositive('rateLimitFactor', options.rateLimitFactor ?? 2),
      errorFactor: requirePositive('errorFactor', options.errorFactor ?? 1.5),
      learnedFloorTtlMs: requirePositive('learnedFloorTtlMs', options.learnedFloorTtlMs ?? 3_600_000),
      rampUpHalvingMs: options.rampUpHalvingMs === undefined ? undefined : requirePositive('rampUpHalvingMs', options.rampUpHalvingMs),
      documentedRateLimitFactor: requireAtLeast('documentedRateLimitFactor', options.documentedRateLimitFactor ?? 1.1, 1),
    };
    this.#maxBlockMs = requirePositive('maxBlockMs', options.maxBlockMs ?? 86_400_000);
    this.#clock = options.clock ?? systemClock;
    if (options.initialState) this.restore(options.initialState);
  }

  /**
   * Waits for this caller's turn on `host`. Callers go in arrival order; each one's start is
   * worked out once the caller before it has started, from the delay and block at that time, so
   * a slow-down reaches callers already waiting. After an idle pause the first call goes at once.
   * @throws the signal's reason when `signal` aborts (the callers behind move up; no gap is left).
   */
  wait(host: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const state = this.#stateFor(host);
    const now = this.#clock.now();
    // Nobody in line and the slot already free: through at once, without queueing.
    if (state.waiting === 0 && Math.max(state.lastStartAt + state.delayMs, state.blockedUntil) <= now) {
      state.lastStartAt = now;
      return Promise.resolve();
    }
    return this.#queue(state, signal);
  }

  async #queue(state: HostState, signal: AbortSignal | undefined): Promise<void> {
    state.waiting += 1;
    const previous = state.turn;
    let started: () => void = () => undefined;
    state.turn = new Promise<void>((resolve) => {
      started = resolve;
    });
    let ourTurn = false;
    try {
      await untilAborted(previous, signal);
      ourTurn = true;
      for (;;) {
        const now = this.#clock.now();
        // Read again after every sleep: a rate limit meanwhile lengthens the delay or blocks the host.
        const startAt = Math.max(now, state.lastStartAt + state.delayMs, state.blockedUntil);
        if (startAt <= now) break;
        await this.#clock.sleep(startAt - now, signal);
      }
      state.lastStartAt = this.#clock.now();
    } finally {
      state.waiting -= 1;
      // Given up before its turn: the one behind still waits for the one ahead.
      if (ourTurn) started();
      else void previous.then(started);
    }
  }

  /** Records a success: every `successesToSpeedUp` in a row multiply the delay by `speedUpFactor` (or the ramp, when on). */
  onSuccess(host: string): void {
    const state = this.#stateFor(host);
    const now = this.#clock.now();
    learnSuccess(state, this.#limitsFor(host), this.#tuning, now, state.lastSuccessAt === undefined ? 0 : now - state.lastSuccessAt);
    state.lastSuccessAt = now;
    state.updatedAt = now;
  }

  /**
   * Records a rate limit: the delay grows by `rateLimitFactor`, and with `retryAfterMs` no request
   * starts before that time has passed. `sentAt` (epoch ms) is when the limited request was sent:
   * one sent before the host's last slow-down was paced by the old delay and teaches nothing new,
   * so concurrent requests hitting one limit slow the host once, not once each.
   */
  onRateLimit(host: string, retryAfterMs?: number, sentAt?: number): void {
    const state = this.#stateFor(host);
    const now = this.#clock.now();
    if (sentAt === undefined || sentAt >= state.slowedAt) {
      learnRateLimit(state, this.#limitsFor(host), this.#tuning, now);
      state.slowedAt = now;
    }
    state.updatedAt = now;
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) this.blockUntil(host, now + retryAfterMs);
  }

  /** Records a failure that is not a rate limit: the delay grows by `errorFactor`. */
  onError(host: string): void {
    const state = this.#stateFor(host);
    learnError(state, this.#limitsFor(host), this.#tuning);
    state.updatedAt = this.#clock.now();
  }

  /** The current delay for `host`, in ms (its starting delay if it has not been used yet). */
  delayMs(host: string): number {
    return this.#hosts.get(host)?.delayMs ?? this.#limitsFor(host).defaultDelayMs;
  }

  /**
   * Sets `host`'s own limits, e.g. its API's documented rate. Call it before the host is used;
   * a delay already learned (or restored) is kept, only clamped to the new bounds.
   */
  configureHost(host: string, limits: HostLimits): void {
    const resolved = resolveLimits(this.#limits, limits, this.#arrivalMargin);
    this.#hostLimits.set(host, resolved);
    const state = this.#hosts.get(host);
    if (state) state.delayMs = clamp(state.delayMs, resolved);
  }

  /** Back to the host's starting delay (its configured default), e.g. once it recovers from an outage. */
  resetDelay(host: string): void {
    const state = this.#stateFor(host);
    state.delayMs = this.#limitsFor(host).defaultDelayMs;
    state.successes = 0;
    state.updatedAt = this.#clock.now();
  }

  /** Sets the delay directly, e.g. from the rate-limit headers an API sends (clamped to bounds). */
  setPace(host: string, delayMs: number): void {
    if (!Number.isFinite(delayMs)) return;
    const state = this.#stateFor(host);
    state.delayMs = clamp(delayMs, this.#limitsFor(host));
    state.updatedAt = this.#clock.now();
  }

  /**
   * No request to `host` starts before `epochMs` (at most `maxBlockMs` from now); an earlier time
   * than the current block is ignored.
   */
  blockUntil(host: string, epochMs: number): void {
    if (!Number.isFinite(epochMs)) return;
    const state = this.#stateFor(host);
    const now = this.#clock.now();
    state.blockedUntil = Math.max(state.blockedUntil, Math.min(epochMs, now + this.#maxBlockMs));
    state.updatedAt = now;
  }

  /** Epoch ms before which no request to `host` starts (0 when not blocked). */
  blockedUntil(host: string): number {
    return this.#hosts.get(host)?.blockedUntil ?? 0;
  }

  /** `host`'s bounds (its documented rate, or the limiter's defaults), in ms. */
  boundsFor(host: string): Readonly<PaceBounds> {
    return this.#limitsFor(host);
  }

  /** The longest block `blockUntil` accepts, in ms from now (`maxBlockMs`). */
  get maxBlockMs(): number {
    return this.#maxBlockMs;
  }

  /**
   * Applies one of this limiter's rules to a learned pace kept elsewhere (a schedule several
   * processes share), within `host`'s bounds, so there is one set of rules wherever the state
   * lives: `success` (with the time since the previous one, for the ramp), `rate-limit`, `error`,
   * `reset` (back to the starting delay) or `pace` (a delay set directly, clamped).
   */
  applyRule(host: string, state: PaceState, rule: PaceRule): void {
    const bounds = this.#limitsFor(host);
    switch (rule.kind) {
      case 'success':
        learnSuccess(state, bounds, this.#tuning, rule.nowMs, rule.sincePreviousMs);
        return;
      case 'rate-limit':
        learnRateLimit(state, bounds, this.#tuning, rule.nowMs);
        return;
      case 'error':
        learnError(state, bounds, this.#tuning);
        return;
      case 'reset':
        state.delayMs = bounds.defaultDelayMs;
        state.successes = 0;
        return;
      case 'pace':
        if (Number.isFinite(rule.delayMs)) state.delayMs = clamp(rule.delayMs, bounds);
        return;
    }
  }

  /** Hosts with state. */
  hosts(): string[] {
    return [...this.#hosts.keys()];
  }

  /** Plain JSON for persisting between runs. */
  toJSON(): LimiterSnapshot {
    return Object.fromEntries([...this.#hosts].map(([host, state]) => [host, snapshotOf(state)]));
  }

  /**
   * Loads state saved by `toJSON()`, replacing that of the hosts it names. Entries that are not
   * valid are skipped, and every number is held to what this limiter could itself have set
   * (`clampHostSnapshot`): state read from disk may be damaged, and a fresh start is the safe reading.
   */
  restore(snapshot: LimiterSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null) return;
    const nowMs = this.#clock.now();
    for (const [host, entry] of Object.entries(snapshot)) {
      if (!isHostSnapshot(entry) || isDamagedHostSnapshot(entry, nowMs)) continue;
      const restored = clampHostSnapshot(entry, {
        nowMs,
        bounds: this.#limitsFor(host),
        successesToSpeedUp: this.#tuning.successesToSpeedUp,
        learnedFloorTtlMs: this.#tuning.learnedFloorTtlMs,
        maxBlockMs: this.#maxBlockMs,
      });
      const { nextSlotAt, ...learned } = restored;
      this.#hosts.set(host, { ...learned, ...freshSchedule(), lastStartAt: nextSlotAt - restored.delayMs });
    }
  }

  #stateFor(host: string): HostState {
    let state = this.#hosts.get(host);
    if (!state) {
      state = {
        delayMs: this.#limitsFor(host).defaultDelayMs,
        successes: 0,
        blockedUntil: 0,
        updatedAt: this.#clock.now(),
        ...freshSchedule(),
      };
      this.#hosts.set(host, state);
    }
    return state;
  }

  #limitsFor(host: string): PaceBounds {
    return this.#hostLimits.get(host) ?? this.#limits;
  }
}

function freshSchedule(): Pick<HostState, 'lastStartAt' | 'turn' | 'waiting' | 'slowedAt'> {
  return { lastStartAt: Number.NEGATIVE_INFINITY, turn: Promise.resolve(), waiting: 0, slowedAt: Number.NEGATIVE_INFINITY };
}

/** Resolves with `turn`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted(turn: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return turn;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    turn.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function snapshotOf(state: HostState): LimiterHostSnapshot {
  const { delayMs, successes, blockedUntil, updatedAt, floorMs, floorUntil } = state;
  const nextSlotAt = Number.isFinite(state.lastStartAt) ? state.lastStartAt + delayMs : 0;
  const snapshot: LimiterHostSnapshot = { delayMs, successes, blockedUntil, nextSlotAt, updatedAt };
  if (floorMs !== undefined && floorUntil !== undefined) Object.assign(snapshot, { floorMs, floorUntil });
  return snapshot;
}

function resolveLimits(base: PaceBounds, overrides: HostLimits, arrivalMargin: number): PaceBounds {
  const maxDelayMs = overrides.maxDelayMs ?? base.maxDelayMs;
  if (overrides.documentedDelayMs !== undefined) {
    const documented = overrides.documentedDelayMs;
    if (!Number.isFinite(documented) || documented < 0) {
      throw new RangeError(`AdaptiveRateLimiter: expected documentedDelayMs to be a finite number >= 0, got ${String(documented)}`);
    }
    const paced = Math.min(maxDelayMs, documented * (1 + arrivalMargin));
    return { minDelayMs: paced, maxDelayMs, defaultDelayMs: paced, documented: documented > 0 };
  }
  const minDelayMs = overrides.minDelayMs ?? base.minDelayMs;
  if (!Number.isFinite(minDelayMs) || minDelayMs < 0) {
    throw new RangeError(`AdaptiveRateLimiter: expected minDelayMs to be a finite number >= 0, got ${String(minDelayMs)}`);
  }
  if (!(maxDelayMs >= minDelayMs)) {
    throw new RangeError(`AdaptiveRateLimiter: expected maxDelayMs >= minDelayMs (${minDelayMs}), got ${String(maxDelayMs)}`);
  }
  const defaultDelayMs = overrides.defaultDelayMs ?? base.defaultDelayMs;
  if (!Number.isFinite(defaultDelayMs) || defaultDelayMs < 0) {
    throw new RangeError(`AdaptiveRateLimiter: expected defaultDelayMs to be a finite number >= 0, got ${String(defaultDelayMs)}`);
  }
  return { minDelayMs, maxDelayMs, defaultDelayMs: clamp(defaultDelayMs, { minDelayMs, maxDelayMs }), documented: false };
}

function requirePositive(option: string, value: number): number {
  if (Number.isFinite(value) && value > 0) return value;
  throw new RangeError(`AdaptiveRateLimiter: expected ${option} to be a finite number > 0, got ${String(value)}`);
}

function requireAtLeast(option: string, value: number, min: number): number {
  if (Number.isFinite(value) && value >= min) return value;
  throw new RangeError(`AdaptiveRateLimiter: expected ${option} to be a finite number >= ${min}, got ${String(value)}`);
}

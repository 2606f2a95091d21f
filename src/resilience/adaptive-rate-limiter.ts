import { abortReason, systemClock, type Clock } from '../time/clock.js';
import { clampHostSnapshot, isHostSnapshot, type LimiterHostSnapshot, type LimiterSnapshot } from './limiter-snapshot.js';
import { clamp, learnError, learnRateLimit, learnSuccess, type PaceBounds, type PaceTuning } from './pace-learner.js';

export type { LimiterHostSnapshot, LimiterSnapshot } from './limiter-snapshot.js';

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

/** A host's saved state plus what only matters within one process. */
interface HostState extends LimiterHostSnapshot {
  /** When the host's last success was recorded (the ramp measures back-to-back time). */
  lastSuccessAt?: number;
  /** When the delay last grew for a rate limit (one slow-down per pace). */
  slowedAt: number;
}

/** A reservation: when it may start, and the host's next slot it left behind. */
interface Slot {
  startAt: number;
  nextSlotAt: number;
}

/**
 * Per-host pacing that learns. Callers reserve slots synchronously, so concurrent waiters are
 * spaced by the delay instead of bursting together; the delay is learned from outcomes by the
 * rules in `pace-learner.ts` (the seed's multiplicative steps by default).
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
   * Waits for this caller's turn on `host`. The slot is reserved before the first await, so
   * concurrent callers get successive slots; after an idle pause the first call goes at once.
   * @throws the signal's reason when `signal` aborts (the reserved slot is released if it was the last).
   */
  async wait(host: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortReason(signal);
    const state = this.#stateFor(host);
    let slot = this.#reserve(state);
    for (;;) {
      const now = this.#clock.now();
      if (state.blockedUntil > slot.startAt) {
        // A rate limit arrived after this slot was reserved: queue again behind the block, in
        // order, rather than letting every waiter wake at the block's end together.
        this.#release(state, slot);
        slot = this.#reserve(state);
        continue;
      }
      if (slot.startAt <= now) return;
      try {
        await this.#clock.sleep(slot.startAt - now, signal);
      } catch (error) {
        this.#release(state, slot);
        throw error;
      }
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
    state.nextSlotAt = Math.max(state.nextSlotAt, state.blockedUntil);
    state.updatedAt = now;
  }

  /** Epoch ms before which no request to `host` starts (0 when not blocked). */
  blockedUntil(host: string): number {
    return this.#hosts.get(host)?.blockedUntil ?? 0;
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
      if (!isHostSnapshot(entry)) continue;
      const restored = clampHostSnapshot(entry, {
        nowMs,
        bounds: this.#limitsFor(host),
        successesToSpeedUp: this.#tuning.successesToSpeedUp,
        learnedFloorTtlMs: this.#tuning.learnedFloorTtlMs,
        maxBlockMs: this.#maxBlockMs,
      });
      this.#hosts.set(host, { ...restored, slowedAt: Number.NEGATIVE_INFINITY });
    }
  }

  #stateFor(host: string): HostState {
    let state = this.#hosts.get(host);
    if (!state) {
      const delayMs = this.#limitsFor(host).defaultDelayMs;
      state = { delayMs, successes: 0, blockedUntil: 0, nextSlotAt: 0, updatedAt: this.#clock.now(), slowedAt: Number.NEGATIVE_INFINITY };
      this.#hosts.set(host, state);
    }
    return state;
  }

  #limitsFor(host: string): PaceBounds {
    return this.#hostLimits.get(host) ?? this.#limits;
  }

  /** Takes the next free slot and moves the host's next slot one delay past it. */
  #reserve(state: HostState): Slot {
    const startAt = Math.max(this.#clock.now(), state.nextSlotAt, state.blockedUntil);
    state.nextSlotAt = startAt + state.delayMs;
    return { startAt, nextSlotAt: state.nextSlotAt };
  }

  /** Gives a slot back when nobody has reserved after it, so an abort leaves no gap. */
  #release(state: HostState, slot: Slot): void {
    if (state.nextSlotAt === slot.nextSlotAt) state.nextSlotAt = slot.startAt;
  }
}

function snapshotOf(state: HostState): LimiterHostSnapshot {
  const { delayMs, successes, blockedUntil, nextSlotAt, updatedAt, floorMs, floorUntil } = state;
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
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`AdaptiveRateLimiter: expected ${option} to be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

function requireAtLeast(option: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`AdaptiveRateLimiter: expected ${option} to be a finite number >= ${min}, got ${String(value)}`);
  }
  return value;
}

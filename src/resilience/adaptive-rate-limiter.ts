import { abortReason, systemClock, type Clock } from '../time/clock.js';

/** Persisted state of one host. All times are epoch ms; `delayMs` keeps its fraction. */
export interface LimiterHostSnapshot {
  delayMs: number;
  /** Consecutive successes since the delay last changed. */
  successes: number;
  /** No request before this time (Retry-After, or a rate-limit header's reset). */
  blockedUntil: number;
  /** The earliest time the next request may start. */
  nextSlotAt: number;
  updatedAt: number;
  /**
   * The last delay known to be safe: a rate limit hit at delay d means d / speedUpFactor worked.
   * Speed-ups stop here until `floorUntil`, so a learned pace does not drift back into 429s.
   */
  floorMs?: number;
  /** Epoch ms after which the learned floor is forgotten (the API's limit may have changed). */
  floorUntil?: number;
}

/** Plain JSON, keyed by host. Restore with `restore()` or the `initialState` option. */
export type LimiterSnapshot = Record<string, LimiterHostSnapshot>;

/** Per-host limits, e.g. an API's documented rate. */
export interface HostLimits {
  /** The host's starting delay, in ms (a delay learned in an earlier run wins over it). */
  defaultDelayMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
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
  /** @default systemClock */
  clock?: Clock;
  /** State saved by `toJSON()` in an earlier run. */
  initialState?: LimiterSnapshot;
}

type HostState = LimiterHostSnapshot;

/** A reservation: when it may start, and the host's next slot it left behind. */
interface Slot {
  startAt: number;
  nextSlotAt: number;
}

interface Limits {
  defaultDelayMs: number;
  minDelayMs: number;
  maxDelayMs: number;
}

/**
 * Per-host pacing that learns: it speeds up slowly after runs of successes and backs off fast on
 * rate limits and errors (AIMD-like, multiplicative both ways). Callers reserve slots
 * synchronously, so concurrent waiters are spaced by the delay instead of bursting together.
 */
export class AdaptiveRateLimiter {
  readonly #limits: Limits;
  readonly #successesToSpeedUp: number;
  readonly #speedUpFactor: number;
  readonly #rateLimitFactor: number;
  readonly #errorFactor: number;
  readonly #learnedFloorTtlMs: number;
  readonly #clock: Clock;
  readonly #hostLimits = new Map<string, Limits>();
  readonly #hosts = new Map<string, HostState>();

  constructor(options: AdaptiveRateLimiterOptions = {}) {
    this.#limits = resolveLimits(
      { defaultDelayMs: 1000, minDelayMs: 0, maxDelayMs: 120_000 },
      { defaultDelayMs: options.defaultDelayMs, minDelayMs: options.minDelayMs, maxDelayMs: options.maxDelayMs },
    );
    const successes = options.successesToSpeedUp ?? 10;
    if (!Number.isInteger(successes) || successes < 1) {
      throw new RangeError(`AdaptiveRateLimiter: expected successesToSpeedUp to be an integer >= 1, got ${String(successes)}`);
    }
    this.#successesToSpeedUp = successes;
    this.#speedUpFactor = requirePositive('speedUpFactor', options.speedUpFactor ?? 0.9);
    this.#rateLimitFactor = requirePositive('rateLimitFactor', options.rateLimitFactor ?? 2);
    this.#errorFactor = requirePositive('errorFactor', options.errorFactor ?? 1.5);
    this.#learnedFloorTtlMs = requirePositive('learnedFloorTtlMs', options.learnedFloorTtlMs ?? 3_600_000);
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

  /** Records a success; every `successesToSpeedUp` in a row multiply the delay by `speedUpFactor`. */
  onSuccess(host: string): void {
    const state = this.#stateFor(host);
    state.successes += 1;
    if (state.successes >= this.#successesToSpeedUp) {
      const floor = state.floorMs !== undefined && (state.floorUntil ?? 0) > this.#clock.now() ? state.floorMs : 0;
      this.#setDelay(host, state, Math.max(state.delayMs * this.#speedUpFactor, Math.min(floor, state.delayMs)));
      state.successes = 0;
    }
    state.updatedAt = this.#clock.now();
  }

  /**
   * Records a rate limit: the delay grows by `rateLimitFactor`, and with `retryAfterMs` no request
   * starts before that time has passed.
   */
  onRateLimit(host: string, retryAfterMs?: number): void {
    const state = this.#stateFor(host);
    // The pace one speed-up ago was accepted; remember it as the floor for a while.
    state.floorMs = Math.max(state.floorMs ?? 0, state.delayMs / this.#speedUpFactor);
    state.floorUntil = this.#clock.now() + this.#learnedFloorTtlMs;
    this.#setDelay(host, state, state.delayMs * this.#rateLimitFactor);
    state.successes = 0;
    state.updatedAt = this.#clock.now();
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
      this.blockUntil(host, this.#clock.now() + retryAfterMs);
    }
  }

  /** Records a failure that is not a rate limit: the delay grows by `errorFactor`. */
  onError(host: string): void {
    const state = this.#stateFor(host);
    this.#setDelay(host, state, state.delayMs * this.#errorFactor);
    state.successes = 0;
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
    const resolved = resolveLimits(this.#limits, limits);
    this.#hostLimits.set(host, resolved);
    const state = this.#hosts.get(host);
    if (state) state.delayMs = clamp(state.delayMs, resolved);
  }

  /** Back to the host's starting delay (its configured default), e.g. once it recovers from an outage. */
  resetDelay(host: string): void {
    const state = this.#stateFor(host);
    this.#setDelay(host, state, this.#limitsFor(host).defaultDelayMs);
    state.successes = 0;
    state.updatedAt = this.#clock.now();
  }

  /** Sets the delay directly, e.g. from the rate-limit headers an API sends (clamped to bounds). */
  setPace(host: string, delayMs: number): void {
    if (!Number.isFinite(delayMs)) return;
    const state = this.#stateFor(host);
    this.#setDelay(host, state, delayMs);
    state.updatedAt = this.#clock.now();
  }

  /** No request to `host` starts before `epochMs`; an earlier time than the current block is ignored. */
  blockUntil(host: string, epochMs: number): void {
    if (!Number.isFinite(epochMs)) return;
    const state = this.#stateFor(host);
    state.blockedUntil = Math.max(state.blockedUntil, epochMs);
    state.nextSlotAt = Math.max(state.nextSlotAt, state.blockedUntil);
    state.updatedAt = this.#clock.now();
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
    return Object.fromEntries([...this.#hosts].map(([host, s]) => [host, { ...s }]));
  }

  /**
   * Loads state saved by `toJSON()`, replacing that of the hosts it names. Entries that are not
   * valid are skipped: state read from disk may be damaged, and a fresh start is the safe reading.
   */
  restore(snapshot: LimiterSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null) return;
    const now = this.#clock.now();
    for (const [host, entry] of Object.entries(snapshot)) {
      if (!isHostSnapshot(entry)) continue;
      const delayMs = clamp(entry.delayMs, this.#limitsFor(host));
      this.#hosts.set(host, {
        delayMs,
        successes: Math.floor(entry.successes),
        blockedUntil: entry.blockedUntil,
        // Slots reserved by a run that died unused must not delay this one past one spacing.
        nextSlotAt: Math.min(entry.nextSlotAt, now + delayMs),
        updatedAt: entry.updatedAt,
        ...(isFiniteNumber(entry.floorMs) && isFiniteNumber(entry.floorUntil)
          ? { floorMs: entry.floorMs, floorUntil: entry.floorUntil }
          : {}),
      });
    }
  }

  #stateFor(host: string): HostState {
    let state = this.#hosts.get(host);
    if (!state) {
      state = { delayMs: this.#limitsFor(host).defaultDelayMs, successes: 0, blockedUntil: 0, nextSlotAt: 0, updatedAt: this.#clock.now() };
      this.#hosts.set(host, state);
    }
    return state;
  }

  #limitsFor(host: string): Limits {
    return this.#hostLimits.get(host) ?? this.#limits;
  }

  #setDelay(host: string, state: HostState, delayMs: number): void {
    state.delayMs = clamp(delayMs, this.#limitsFor(host));
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

function resolveLimits(base: Limits, overrides: HostLimits): Limits {
  const minDelayMs = overrides.minDelayMs ?? base.minDelayMs;
  const maxDelayMs = overrides.maxDelayMs ?? base.maxDelayMs;
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
  return { minDelayMs, maxDelayMs, defaultDelayMs: Math.min(maxDelayMs, Math.max(minDelayMs, defaultDelayMs)) };
}

function clamp(delayMs: number, limits: Limits): number {
  return Math.min(limits.maxDelayMs, Math.max(limits.minDelayMs, delayMs));
}

function requirePositive(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`AdaptiveRateLimiter: expected ${option} to be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isHostSnapshot(value: unknown): value is LimiterHostSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  return (
    finite(v.delayMs) &&
    (v.delayMs as number) >= 0 &&
    finite(v.successes) &&
    (v.successes as number) >= 0 &&
    finite(v.blockedUntil) &&
    finite(v.nextSlotAt) &&
    finite(v.updatedAt)
  );
}

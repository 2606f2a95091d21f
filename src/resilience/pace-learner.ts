/**
 * How one host's delay is learned from outcomes: the policy half of `AdaptiveRateLimiter` (the
 * other half schedules slots). Functions that update the plain state they are given in place (no
 * clock, no I/O), so the same rules apply to a limiter restored from disk as to one that stayed in
 * memory.
 */

/** The learned part of a host's state (persisted). `delayMs` keeps its fraction. */
export interface PaceState {
  delayMs: number;
  /** Consecutive successes since the delay last changed. */
  successes: number;
  /** The slowest delay known to be needed; speed-ups stop here until `floorUntil`. */
  floorMs?: number;
  /** Epoch ms after which the learned floor is forgotten (the API's limit may have changed). */
  floorUntil?: number;
}

/** A host's bounds, in ms. */
export interface PaceBounds {
  defaultDelayMs: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** True when `minDelayMs` is the API's documented pace (plus the arrival margin). */
  documented: boolean;
}

/** The learning rules; `AdaptiveRateLimiterOptions` documents each one and its default. */
export interface PaceTuning {
  successesToSpeedUp: number;
  speedUpFactor: number;
  rateLimitFactor: number;
  errorFactor: number;
  learnedFloorTtlMs: number;
  rampUpHalvingMs: number | undefined;
  documentedRateLimitFactor: number;
}

/**
 * In ramp mode a rate limit makes the refused pace, this much slower, the floor: a burst the API
 * allowed can hide the crossing of its limit, so the refused pace may be well past it.
 */
const RAMP_FLOOR_STEP = 0.85;

/**
 * A success. With a ramp configured (`rampUpHalvingMs`), the request rate doubles per that much
 * time of back-to-back requests, at half that speed once a rate limit has set a floor, and never
 * past the floor (`sincePreviousMs` is the time since the host's previous success, counted up to
 * two delays, so sparse calls do not ramp). Otherwise the seed's rule: every `successesToSpeedUp`
 * in a row multiply the delay by `speedUpFactor`, not below the floor.
 */
export function learnSuccess(state: PaceState, bounds: PaceBounds, tuning: PaceTuning, nowMs: number, sincePreviousMs?: number): void {
  const floor = activeFloor(state, nowMs);
  if (tuning.rampUpHalvingMs !== undefined) {
    const elapsed = Math.min(Math.max(0, sincePreviousMs ?? 0), 2 * state.delayMs);
    const halvingMs = floor === 0 ? tuning.rampUpHalvingMs : 2 * tuning.rampUpHalvingMs;
    if (elapsed > 0) state.delayMs = clamp(Math.max(floor, state.delayMs * 2 ** (-elapsed / halvingMs)), bounds);
    state.successes = 0;
    return;
  }
  state.successes += 1;
  if (state.successes < tuning.successesToSpeedUp) return;
  state.delayMs = clamp(Math.max(state.delayMs * tuning.speedUpFactor, Math.min(floor, state.delayMs)), bounds);
  state.successes = 0;
}

/**
 * A rate limit. At a documented pace it is most likely arrival jitter, not a wrong rate: the delay
 * steps back by `documentedRateLimitFactor` and holds there. Anywhere else the seed's rule: the
 * delay grows by `rateLimitFactor`, and the pace one speed-up before it becomes the floor (in ramp
 * mode: the refused pace, `RAMP_FLOOR_STEP` slower).
 * Either way the floor lasts `learnedFloorTtlMs`.
 */
export function learnRateLimit(state: PaceState, bounds: PaceBounds, tuning: PaceTuning, nowMs: number): void {
  const floor = activeFloor(state, nowMs);
  if (bounds.documented && state.delayMs <= bounds.minDelayMs * (1 + 1e-9)) {
    state.delayMs = clamp(state.delayMs * tuning.documentedRateLimitFactor, bounds);
    state.floorMs = Math.max(floor, state.delayMs);
  } else {
    const step = tuning.rampUpHalvingMs === undefined ? tuning.speedUpFactor : RAMP_FLOOR_STEP;
    state.floorMs = clamp(Math.max(floor, state.delayMs / step), bounds);
    state.delayMs = clamp(state.delayMs * tuning.rateLimitFactor, bounds);
  }
  state.floorUntil = nowMs + tuning.learnedFloorTtlMs;
  state.successes = 0;
}

/** A failure that is not a rate limit: the delay grows by `errorFactor`. */
export function learnError(state: PaceState, bounds: PaceBounds, tuning: PaceTuning): void {
  state.delayMs = clamp(state.delayMs * tuning.errorFactor, bounds);
  state.successes = 0;
}

/** The learned floor while it lasts, else 0. */
export function activeFloor(state: PaceState, nowMs: number): number {
  return state.floorMs !== undefined && (state.floorUntil ?? 0) > nowMs ? state.floorMs : 0;
}

export function clamp(delayMs: number, bounds: Pick<PaceBounds, 'minDelayMs' | 'maxDelayMs'>): number {
  return Math.min(bounds.maxDelayMs, Math.max(bounds.minDelayMs, delayMs));
}

import { clamp, type PaceBounds } from './pace-learner.js';

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
   * The slowest delay known to be needed (after a rate limit, the pace one speed-up before it).
   * Speed-ups stop here until `floorUntil`, so a learned pace does not drift back into 429s.
   */
  floorMs?: number;
  /** Epoch ms after which the learned floor is forgotten (the API's limit may have changed). */
  floorUntil?: number;
}

/** Plain JSON, keyed by host. Restore with `restore()` or the `initialState` option. */
export type LimiterSnapshot = Record<string, LimiterHostSnapshot>;

/** What a restored entry is held to: the bounds the limiter itself works within. */
export interface RestoreBounds {
  nowMs: number;
  bounds: Pick<PaceBounds, 'minDelayMs' | 'maxDelayMs'>;
  successesToSpeedUp: number;
  learnedFloorTtlMs: number;
  maxBlockMs: number;
}

/** A learned delay above this is damaged, never learned: no API asks for more than two minutes between requests. */
const DAMAGED_DELAY_MS = 120_000;
/** A restored time further ahead than this is damaged, not clock skew: a day. */
const DAMAGED_AHEAD_MS = 86_400_000;

/**
 * Whether a saved entry is damaged beyond holding to bounds: a delay above two minutes, or a
 * time (block, slot, floor, update) more than a day ahead. Such an entry is discarded whole, and
 * the host starts at its documented pace.
 */
export function isDamagedHostSnapshot(entry: LimiterHostSnapshot, nowMs: number): boolean {
  const ahead = nowMs + DAMAGED_AHEAD_MS;
  return (
    entry.delayMs > DAMAGED_DELAY_MS ||
    entry.blockedUntil > ahead ||
    entry.nextSlotAt > ahead ||
    entry.updatedAt > ahead ||
    (isFiniteNumber(entry.floorMs) && entry.floorMs > DAMAGED_DELAY_MS) ||
    (isFiniteNumber(entry.floorUntil) && entry.floorUntil > ahead)
  );
}

/**
 * The pace a saved entry shows, for a reader that only reports it (`screen status`): its delay,
 * and its block (0 when it has none). Entries that carry no more than these two (older versions,
 * the shared store's reading) count; anything else malformed reads as none.
 */
export function savedPace(value: unknown): { delayMs: number; blockedUntil: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { delayMs, blockedUntil } = value as Record<string, unknown>;
  if (!isFiniteNumber(delayMs) || delayMs < 0) return undefined;
  return { delayMs, blockedUntil: isFiniteNumber(blockedUntil) ? blockedUntil : 0 };
}

/** Whether `value` has the shape `toJSON()` writes (finite numbers where numbers belong). */
export function isHostSnapshot(value: unknown): value is LimiterHostSnapshot {
  if (savedPace(value) === undefined) return false;
  const v = value as Record<string, unknown>;
  return (
    isFiniteNumber(v.successes) &&
    v.successes >= 0 &&
    isFiniteNumber(v.blockedUntil) &&
    isFiniteNumber(v.nextSlotAt) &&
    isFiniteNumber(v.updatedAt)
  );
}

/**
 * A saved entry held to what the limiter could itself have written: state read from disk may be
 * damaged or hostile, and a delay of 1e12 ms or a block until the year 3000 must not stall a run.
 * - `delayMs` and `floorMs` within the host's bounds;
 * - `successes` below the speed-up count;
 * - `blockedUntil` at most `maxBlockMs` ahead, `floorUntil` at most one floor lifetime ahead;
 * - `nextSlotAt` at most one delay ahead (slots a dead run reserved must not delay this one);
 * - `updatedAt` not in the future.
 */
export function clampHostSnapshot(entry: LimiterHostSnapshot, limits: RestoreBounds): LimiterHostSnapshot {
  const { nowMs } = limits;
  const delayMs = clamp(entry.delayMs, limits.bounds);
  const restored: LimiterHostSnapshot = {
    delayMs,
    successes: Math.min(Math.floor(entry.successes), limits.successesToSpeedUp - 1),
    blockedUntil: Math.min(entry.blockedUntil, nowMs + limits.maxBlockMs),
    nextSlotAt: Math.min(entry.nextSlotAt, nowMs + delayMs),
    updatedAt: Math.min(entry.updatedAt, nowMs),
  };
  if (isFiniteNumber(entry.floorMs) && isFiniteNumber(entry.floorUntil)) {
    restored.floorMs = clamp(entry.floorMs, limits.bounds);
    restored.floorUntil = Math.min(entry.floorUntil, nowMs + limits.learnedFloorTtlMs);
  }
  return restored;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

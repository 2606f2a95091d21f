/**
 * Binance's request weight as a budget (6,000 per IP per calendar minute): each klines request
 * takes its weight from the current minute before it is sent, and what the answers'
 * `X-MBX-USED-WEIGHT-1M` say (the weight every client of the IP spent) raises the minute's count.
 * A 429 or 418 with `Retry-After` blocks every request until then. Under a shared store the
 * budget is the fleet's (`RedisWeightBudget`); otherwise the process's own (`MemoryWeightBudget`).
 */
import type { Clock } from '../../time/clock.js';

const MINUTE_MS = 60_000;

export interface WeightBudget {
  /**
   * Takes `weight` from the current minute when the minute's count stays within `limit`;
   * resolves 0 when taken, else the ms until it could be (the next minute, or the block's end).
   */
  take(weight: number, limit: number): Promise<number>;
  /** The minute's count is at least `used` (an answer's `X-MBX-USED-WEIGHT-1M`). */
  observe(used: number): Promise<void>;
  /** No request before `untilMs` (epoch ms): a `Retry-After` seen by anyone holds for all. */
  block(untilMs: number): Promise<void>;
}

/** Start of the calendar minute after `nowMs`. */
export function nextMinute(nowMs: number): number {
  return Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
}

export class MemoryWeightBudget implements WeightBudget {
  readonly #clock: Clock;
  #minute = -1;
  #used = 0;
  #blockedUntil = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async take(weight: number, limit: number): Promise<number> {
    const now = this.#clock.now();
    if (this.#blockedUntil > now) return this.#blockedUntil - now;
    this.#roll(now);
    if (this.#used + weight > limit) return nextMinute(now) - now;
    this.#used += weight;
    return 0;
  }

  async observe(used: number): Promise<void> {
    this.#roll(this.#clock.now());
    this.#used = Math.max(this.#used, used);
  }

  async block(untilMs: number): Promise<void> {
    this.#blockedUntil = Math.max(this.#blockedUntil, untilMs);
  }

  #roll(now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#used = 0;
    }
  }
}

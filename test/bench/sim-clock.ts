import { setImmediate as nextTurn } from 'node:timers/promises';
import { ManualClock } from '../helpers/manual-clock.js';

/**
 * Simulated time over real I/O: `now()` only moves when `SimDriver` finds every live task asleep,
 * and then jumps straight to the earliest wake-up. Real loopback HTTP still runs in real time, but
 * costs no simulated time (its latency is negligible next to the seconds being simulated).
 */
export class SimClock extends ManualClock {
  constructor(startMs = Date.now()) {
    super(startMs);
  }

  /** Moves time forward without waking anyone (between simulated runs). */
  skip(ms: number): void {
    this.set(this.now() + ms);
  }
}

/** Event-loop turns with nothing changing after which the tasks not asleep are taken to be waiting on those that are. */
const QUIET_TURNS = 50;

/**
 * Runs async tasks on a `SimClock`. Each task must be sequential inside (at most one sleep at a
 * time), so "sleeping tasks = live tasks" means nobody is doing real work and time may jump. A
 * task may also wait on another one that sleeps (a caller queued behind another on a limiter):
 * when some sleep and nothing else has changed for `QUIET_TURNS` turns, time jumps too.
 */
export class SimDriver {
  #live = 0;
  readonly #clock: SimClock;

  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  /** Starts a task now and counts it as live until it settles. */
  spawn<T>(task: () => Promise<T>): Promise<T> {
    this.#live += 1;
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      promise = Promise.reject(error);
    }
    return promise.finally(() => {
      this.#live -= 1;
    });
  }

  /**
   * Spins the event loop until `done` settles, jumping time whenever every live task sleeps.
   * @throws when nothing progresses for `stallMs` of real time (a task waiting on something else).
   */
  async run<T>(done: Promise<T>, stallMs = 30_000): Promise<T> {
    let settled = false;
    const tracked = done.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined);
    let lastProgress = performance.now();
    let lastSeen = '';
    let quietTurns = 0;
    while (!settled) {
      await nextTurn();
      const asleep = this.#clock.pendingSleeps;
      if (this.#live > 0 && (asleep >= this.#live || (asleep > 0 && quietTurns >= QUIET_TURNS))) {
        this.#clock.wakeNext();
        quietTurns = 0;
      }
      const seen = `${this.#live}/${this.#clock.pendingSleeps}/${this.#clock.now()}`;
      if (seen !== lastSeen) {
        lastSeen = seen;
        lastProgress = performance.now();
        quietTurns = 0;
      } else if (performance.now() - lastProgress > stallMs) {
        throw new Error(`simulation stalled: ${this.#live} live tasks, ${this.#clock.pendingSleeps} asleep`);
      } else {
        quietTurns += 1;
      }
    }
    return tracked;
  }
}

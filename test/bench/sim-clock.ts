import { setImmediate as nextTurn } from 'node:timers/promises';
import { abortReason, type Clock } from '../../src/time/clock.js';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * Simulated time over real I/O: `now()` only moves when `SimDriver` finds every live task asleep,
 * and then jumps straight to the earliest wake-up. Real loopback HTTP still runs in real time, but
 * costs no simulated time (its latency is negligible next to the seconds being simulated).
 */
export class SimClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(startMs = Date.now()) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  get pendingSleeps(): number {
    return this.#sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { wakeAt: this.#now + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(abortReason(signal));
        },
        { once: true },
      );
    });
  }

  /** Jumps to the earliest wake-up and wakes every sleeper due then. */
  wakeNext(): void {
    if (this.#sleepers.length === 0) return;
    const at = Math.min(...this.#sleepers.map((s) => s.wakeAt));
    this.#now = Math.max(this.#now, at);
    const due = this.#sleepers.filter((s) => s.wakeAt <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAt > this.#now);
    for (const sleeper of due) sleeper.resolve();
  }

  /** Moves time forward without waking anyone (between simulated runs). */
  skip(ms: number): void {
    this.#now += ms;
  }
}

/**
 * Runs async tasks on a `SimClock`. Each task must be sequential inside (at most one sleep at a
 * time), so "sleeping tasks = live tasks" means nobody is doing real work and time may jump.
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
    while (!settled) {
      await nextTurn();
      if (this.#live > 0 && this.#clock.pendingSleeps >= this.#live) this.#clock.wakeNext();
      const seen = `${this.#live}/${this.#clock.pendingSleeps}/${this.#clock.now()}`;
      if (seen !== lastSeen) {
        lastSeen = seen;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > stallMs) {
        throw new Error(`simulation stalled: ${this.#live} live tasks, ${this.#clock.pendingSleeps} asleep`);
      }
    }
    return tracked;
  }
}

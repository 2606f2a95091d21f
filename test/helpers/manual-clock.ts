import { abortReason, type Clock } from '../../src/time/clock.js';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A clock that only moves when a test says so. `advance(ms)` wakes every sleeper whose time has
 * come, in order, letting awaiting code run between wake-ups.
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(startMs = Date.UTC(2026, 10, 29, 10, 0, 0)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Number of sleeps not yet woken (lets a test wait until code reaches its sleep). */
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

  /** Moves time forward by `ms`, resolving due sleepers one at a time in wake order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await flushMicrotasks();
      const due = this.#sleepers.filter((s) => s.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (!due) break;
      this.#sleepers = this.#sleepers.filter((s) => s !== due);
      this.#now = Math.max(this.#now, due.wakeAt);
      due.resolve();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Jumps to the earliest wake-up and wakes every sleeper due then (for drivers of simulated time). */
  wakeNext(): void {
    if (this.#sleepers.length === 0) return;
    this.#now = Math.max(this.#now, Math.min(...this.#sleepers.map((s) => s.wakeAt)));
    const due = this.#sleepers.filter((s) => s.wakeAt <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAt > this.#now);
    for (const sleeper of due) sleeper.resolve();
  }

  /** Sets the wall time directly (e.g. "the next day"); does not wake sleepers. */
  set(ms: number): void {
    this.#now = ms;
  }
}

/** Lets pending promise callbacks run (several turns, since awaits chain). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * One ordered, bounded clean-up list, in the manner of fastify's `onClose`: tasks run last
 * registered first (like nested `finally` blocks), each within its own time limit when it has
 * one, and every task runs even when one fails; the first failure is thrown once all have run.
 * A data run's interrupt, `screen serve`'s stop and the CLI's deferred work all end through one.
 */
import { settlePendingWrites } from '../store/file/atomic-write.js';
import { releaseHeldLocksSync } from '../store/file/file-lock.js';
import type { InterruptSignal, Interrupts } from './interrupts.js';

/** On SIGINT/SIGTERM, how long saving state may take (another run may hold its lock)... */
const INTERRUPT_SAVE_MS = 3000;
/** ...and how long cache writes already under way may take to land. */
const INTERRUPT_SETTLE_MS = 1_000;

interface Task {
  run: () => Promise<void>;
  limitMs: number | undefined;
}

export class Shutdown {
  readonly #tasks: Task[] = [];

  /** Adds `task`, to run before every task added earlier; past `limitMs` it is left to finish on its own. */
  add(task: () => Promise<void>, limitMs?: number): void {
    this.#tasks.push({ run: task, limitMs });
  }

  /** Runs every task once, last added first. @throws the first task's failure, after all have run */
  async run(): Promise<void> {
    let failure: { error: unknown } | undefined;
    for (const task of this.#tasks.splice(0).reverse()) {
      try {
        await (task.limitMs === undefined ? task.run() : Promise.race([task.run(), realDelay(task.limitMs)]));
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

/**
 * The store's last step before the process ends: let the file writes under way land (within
 * `settleMs`), then remove the locks of fills that never will, so no temp file or lock of this
 * process is left in the cache dir. Add it first, so it runs last.
 */
export function settleStore(settleMs: number): () => Promise<void> {
  return async () => {
    try {
      await settlePendingWrites(settleMs);
    } finally {
      releaseHeldLocksSync();
    }
  };
}

/**
 * A run's interrupt: `announce` it, save what the run learned (bounded: a state lock held by another
 * run must not keep an interrupted process alive), settle the store, then end the process for the
 * signal. Returns the uninstaller.
 */
export function saveOnInterrupt(
  interrupts: Interrupts,
  save: () => Promise<void>,
  announce: (signal: InterruptSignal) => void,
): () => void {
  return interrupts.subscribe((signal) => {
    announce(signal);
    const shutdown = new Shutdown();
    shutdown.add(settleStore(INTERRUPT_SETTLE_MS));
    shutdown.add(save, INTERRUPT_SAVE_MS);
    void shutdown
      .run()
      .catch(() => undefined)
      .finally(() => interrupts.exit(signal));
  });
}

/** A wait on the real clock that never keeps the process alive (a run's own clock may have been stopped). */
function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

import type { Fault } from './types.js';

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/** Wildcard path: faults here apply to any path that has none of its own. */
export const ANY_PATH = '*';

/**
 * Per-path FIFO of faults, each good for a number of requests. The head of a path's queue
 * serves requests until its count runs out, then the next one takes over.
 */
export class FaultQueue {
  #byPath = new Map<string, QueuedFault[]>();

  add(path: string, fault: Fault, times = Number.POSITIVE_INFINITY): void {
    if (!(times > 0)) throw new RangeError(`fault times must be > 0, got ${times}`);
    const queue = this.#byPath.get(path) ?? [];
    queue.push({ fault, remaining: times });
    this.#byPath.set(path, queue);
  }

  /** The fault for the next request on `path`, consuming one use of it. */
  take(path: string): Fault | undefined {
    return this.#takeFrom(path) ?? this.#takeFrom(ANY_PATH);
  }

  clear(): void {
    this.#byPath.clear();
  }

  #takeFrom(path: string): Fault | undefined {
    const queue = this.#byPath.get(path);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    if (queue.length === 0) this.#byPath.delete(path);
    return head.fault;
  }
}

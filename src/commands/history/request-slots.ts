/**
 * At most `size` holders at once, the rest waiting in arrival order: the requests a history sync
 * keeps in flight, apart from the series it works on (a series holds a slot only for its request,
 * not while it takes its lock or writes what it fetched).
 */
export class RequestSlots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  /** Waits for a slot; resolves to its release (idempotent). */
  async take(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}

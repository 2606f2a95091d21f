/**
 * Writes a shared store does after the fact (a breaker's outcome, a learned pace, a source's
 * history), kept so that whoever depends on them can wait: the next admission to the same host,
 * or the end of the run. A failed write is the store's to report (it falls back); it never
 * rejects here, so nothing is left unhandled.
 */
export class PendingWrites {
  readonly #pending = new Map<string, Set<Promise<void>>>();

  /** Tracks `write` under `topic` (e.g. a host) until it settles. */
  track(topic: string, write: Promise<unknown>): void {
    let set = this.#pending.get(topic);
    if (!set) {
      set = new Set();
      this.#pending.set(topic, set);
    }
    const settled: Promise<void> = write.then(
      () => undefined,
      () => undefined,
    );
    set.add(settled);
    void settled.then(() => {
      set.delete(settled);
      if (set.size === 0 && this.#pending.get(topic) === set) this.#pending.delete(topic);
    });
  }

  /** Resolves once every write tracked under `topic` so far has settled (at once when there are none). */
  async settle(topic: string): Promise<void> {
    const set = this.#pending.get(topic);
    if (set && set.size > 0) await Promise.all([...set]);
  }

  /** Resolves once every tracked write has settled. */
  async settleAll(): Promise<void> {
    await Promise.all([...this.#pending.values()].flatMap((set) => [...set]));
  }
}

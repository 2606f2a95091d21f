/**
 * The port through which a command keeps small documents between runs: `--changes` keeps the
 * previous run's shown rows, alert rules keep which items they fired for. The file store's
 * implementation is `FileRunMemory` (beside the state file); a shared store may implement the
 * same interface elsewhere. Whoever loads a document validates its shape: a backend only promises
 * plain JSON back, never that it is the shape the caller once saved.
 */

/** Small JSON documents a command keeps between runs (the previous run's shown rows for --changes, alert states), by key. */
export interface RunMemory {
  /** The document saved under `key`, or undefined (never saved, expired, or unreadable). */
  load(key: string): Promise<unknown>;
  /** Saves `value` (plain JSON) under `key`, atomically; kept at least `ttlMs`. */
  save(key: string, value: unknown, ttlMs: number): Promise<void>;
}

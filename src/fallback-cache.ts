/**
 * The small cache `staleCacheFallback` (resilience/graceful-degradation.ts) reads and writes, and
 * the disk cache offers (`DiskCache.asFallbackCache`): on the bottom floor, so both may name it.
 */
export interface FallbackCache<T = unknown> {
  /** The stored value and when it was stored (epoch ms), or undefined on a miss. */
  get(key: string): Promise<{ value: T; storedAt: number } | undefined>;
  set(key: string, value: T): Promise<void>;
}

/**
 * Where a run keeps its resilience state and cached responses (`--store`, `SCREEN_STORE_URL`):
 * the file store in the cache dir (the embedded default), or a Redis server several processes or
 * machines share.
 */

/** The Redis key prefix when `SCREEN_STORE_PREFIX` is unset. */
export const DEFAULT_STORE_PREFIX = 'qaht:';

/** A shared Redis store. */
export interface RedisLocation {
  kind: 'redis';
  /** The URL as given (`redis://` or `rediss://`), password included: for the client only, never shown. */
  url: string;
  /** The URL without its password, for status lines, warnings and `screen status`. */
  safeUrl: string;
  /** Every key this store writes starts with it (`SCREEN_STORE_PREFIX`). @default 'qaht:' */
  prefix: string;
}

export type StoreLocation = { kind: 'file' } | RedisLocation;

/**
 * The candle history port: closed bars per series, kept apart from the response cache (`screen
 * cache clear` never touches them) in the same store — files under the cache dir by default,
 * Redis keys under `--store redis://…`. It is implemented over the store's entry-backend port
 * (`entry-candle-store.ts`): a series is one entry of the store's port family.
 */
import type { StoredSeries } from './series-codec.js';
import type { HistorySource, SeriesKey } from './series-key.js';

/** One series as `list` reports it. */
export interface SeriesListing {
  readonly key: SeriesKey;
  /** Candles held. */
  readonly count: number;
  /** Open times of the first and last candle, epoch ms (undefined for an empty series). */
  readonly firstOpen: number | undefined;
  readonly lastOpen: number | undefined;
  /** Candles missing between the first and the last (0: no gap). */
  readonly missing: number;
}

/** A lock one process holds on a series while it fetches it; `release` is safe to call twice. */
export interface SeriesLock {
  release(): Promise<void>;
}

export interface CandleStore {
  /** Where the history lives, for messages: the folder or the Redis URL. */
  readonly label: string;
  read(key: SeriesKey): Promise<StoredSeries | undefined>;
  /** Replaces the series (atomically: a reader sees the old one or the new one). */
  write(key: SeriesKey, stored: StoredSeries): Promise<void>;
  /**
   * Takes the series' fetch lock, waiting while another process holds it (it is fetching the
   * series: the caller then reads it again and finds it done); undefined when it cannot be had in
   * time. A killed holder's lock lapses.
   */
  lock(key: SeriesKey): Promise<SeriesLock | undefined>;
  /** Every stored series (optionally only `source`'s), sorted by name. */
  list(source?: HistorySource): Promise<SeriesListing[]>;
  /** The key of every stored series (optionally only `source`'s), without reading any: for a reader that reads only some. */
  keys(source?: HistorySource): Promise<SeriesKey[]>;
  /** Removes every series (or only `source`'s); resolves how many. */
  clear(source?: HistorySource): Promise<number>;
}

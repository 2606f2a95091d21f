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

/**
 * What a store knows of a series without reading it: kept in its entry's header when it was
 * written (`CandleStore.write`), so a run that needs only this reads a few hundred bytes, not
 * tens of KB.
 */
export interface SeriesHead {
  /** Epoch ms of the write. */
  readonly fetchedAt: number;
  /** Candles held. */
  readonly count: number;
  /** Open time of the last candle (undefined for an empty series). */
  readonly lastOpen: number | undefined;
  /** The writer's summary of the series (`write`'s `summary`), undefined when it kept none. */
  readonly summary: unknown;
  /** The series itself, when the entry had no head and it was read to answer (written by an older version). */
  readonly stored?: StoredSeries;
}

/** A lock one process holds on a series while it fetches it; `release` is safe to call twice. */
export interface SeriesLock {
  release(): Promise<void>;
}

export interface CandleStore {
  /** Where the history lives, for messages: the folder or the Redis URL. */
  readonly label: string;
  read(key: SeriesKey): Promise<StoredSeries | undefined>;
  /** The series' head without the series where it was kept (see `SeriesHead`); undefined when nothing is stored. */
  readHead(key: SeriesKey): Promise<SeriesHead | undefined>;
  /**
   * Replaces the series (atomically: a reader sees the old one or the new one), with `summary`
   * (a small JSON object the writer derived from exactly this series) in its head.
   */
  write(key: SeriesKey, stored: StoredSeries, summary?: Record<string, unknown>): Promise<void>;
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

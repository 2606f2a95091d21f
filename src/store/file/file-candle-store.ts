/**
 * Candle history in files: `<cache dir>/history/<source>/<interval>/<asset>.json`, one document
 * per series (`series-codec.ts`), each replaced atomically. It sits beside the response cache's
 * `entries/` folder, so `screen cache clear` (which clears that folder) leaves history alone.
 * A series' fetch lock is a lock file beside it (`tryFileLock`: held with a heartbeat, taken
 * over when its holder died), so two runs on one machine fetch a series once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CandleInterval } from '../../candle.js';
import { writeFileAtomic } from './atomic-write.js';
import { tryFileLock } from './file-lock.js';
import { makeDirs } from './make-dirs.js';
import { fsErrorCode, nodeStoreFs } from './store-fs.js';
import { type Clock, systemClock } from '../../time/clock.js';
import type { CandleStore, SeriesListing, SeriesLock } from '../history/candle-store.js';
import { decodeSeries, encodeSeries, type StoredSeries } from '../history/series-codec.js';
import { assetFromSlug, assetSlug, HISTORY_SOURCES, type HistorySource, type SeriesKey } from '../history/series-key.js';
import { listingOf } from '../history/series-listing.js';

/** The history folder's name inside the cache dir. */
export const HISTORY_SUBDIR = 'history';
const SERIES_SUFFIX = '.json';
const LOCK_SUFFIX = '.lock';
const INTERVALS: readonly CandleInterval[] = ['1d', '1h'];

export class FileCandleStore implements CandleStore {
  readonly label: string;
  readonly #dir: string;
  readonly #clock: Clock;

  /** @param cacheDir the run's cache dir (`<dir>/demo` under `--demo`). */
  constructor(cacheDir: string, options: { clock?: Clock } = {}) {
    this.#dir = join(cacheDir, HISTORY_SUBDIR);
    this.label = this.#dir;
    this.#clock = options.clock ?? systemClock;
  }

  async read(key: SeriesKey): Promise<StoredSeries | undefined> {
    try {
      return decodeSeries(await readFile(this.#path(key), 'utf8'), key.interval);
    } catch {
      return undefined;
    }
  }

  async write(key: SeriesKey, stored: StoredSeries): Promise<void> {
    await makeDirs(this.#folder(key.source, key.interval), 0o700);
    await writeFileAtomic(this.#path(key), encodeSeries(stored));
  }

  async lock(key: SeriesKey, ttlMs: number): Promise<SeriesLock | undefined> {
    await makeDirs(this.#folder(key.source, key.interval), 0o700);
    return tryFileLock(`${this.#path(key)}${LOCK_SUFFIX}`, { staleMs: ttlMs, clock: this.#clock });
  }

  async list(source?: HistorySource): Promise<SeriesListing[]> {
    const listings: SeriesListing[] = [];
    for (const key of await this.#keys(source)) {
      const stored = await this.read(key);
      if (stored) listings.push(listingOf(key, stored));
    }
    return listings;
  }

  async clear(source?: HistorySource): Promise<number> {
    let removed = 0;
    for (const key of await this.#keys(source)) {
      try {
        await nodeStoreFs.unlink(this.#path(key));
        removed++;
      } catch (error) {
        if (fsErrorCode(error) !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  keys(source?: HistorySource): Promise<SeriesKey[]> {
    return this.#keys(source);
  }

  async #keys(source?: HistorySource): Promise<SeriesKey[]> {
    const keys: SeriesKey[] = [];
    for (const from of source ? [source] : HISTORY_SOURCES) {
      for (const interval of INTERVALS) {
        const names = await nodeStoreFs.readdir(this.#folder(from, interval)).catch(() => [] as string[]);
        for (const name of names.sort()) {
          if (name.endsWith(SERIES_SUFFIX))
            keys.push({ source: from, interval, asset: assetFromSlug(name.slice(0, -SERIES_SUFFIX.length)) });
        }
      }
    }
    return keys;
  }

  #folder(source: HistorySource, interval: CandleInterval): string {
    return join(this.#dir, source, interval);
  }

  #path(key: SeriesKey): string {
    return join(this.#folder(key.source, key.interval), `${assetSlug(key.asset)}${SERIES_SUFFIX}`);
  }
}

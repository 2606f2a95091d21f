import { EntryFiles } from '../../src/store/file/entry-files.js';
import { EntryCandleStore, HISTORY_ENTRIES } from '../../src/store/history/entry-candle-store.js';
import { systemClock } from '../../src/time/clock.js';

/** The file store's candle history in `cacheDir`, as a run keeps it. */
export function fileCandles(cacheDir: string): EntryCandleStore {
  const files = new EntryFiles({ dir: cacheDir, kind: HISTORY_ENTRIES, clock: systemClock });
  return new EntryCandleStore(files, files.entriesDir);
}

/**
 * Candle history in the file store: the `history` entries of `<cache dir>/history/`, one per
 * series (`EntryCandleStore` over `EntryFiles`). For readers outside a run (`screen eval`, tests);
 * a run gets the same store from its runtime (`Runtime.history`).
 */
import { type Clock, systemClock } from '../../time/clock.js';
import { EntryCandleStore, HISTORY_ENTRIES } from '../history/entry-candle-store.js';
import { EntryFiles } from './entry-files.js';

/** How long a run waits for another process's fetch of the same series before leaving it. */
const HISTORY_LOCK_WAIT_MS = 10_000;

export class FileCandleStore extends EntryCandleStore {
  /** The file backend, which a Redis store falls back to. */
  readonly files: EntryFiles;

  /** @param cacheDir the run's cache dir (`<dir>/demo` under `--demo`). */
  constructor(cacheDir: string, options: { clock?: Clock } = {}) {
    const files = new EntryFiles({
      dir: cacheDir,
      kind: HISTORY_ENTRIES,
      clock: options.clock ?? systemClock,
      lockWaitMs: HISTORY_LOCK_WAIT_MS,
      // A run reads every ranked coin's series (hundreds of files): synchronous reads cost far less CPU.
      syncReads: true,
      // A fill writes hundreds of series; a machine crash can cost a refetch of the last ones, never a wrong candle.
      durableWrites: false,
    });
    super(files, files.entriesDir);
    this.files = files;
  }
}

/**
 * The journal in the file store: the `journal` entries of `<state dir>/journal/<screen>/`, one
 * gzipped file per day, and the `journal-summary` entries beside them (`EntryJournal` over
 * `EntryFiles`; see entry-journal.ts and, for the write-once link, named-files.ts).
 */
import { systemClock } from '../../time/clock.js';
import { EntryJournal, JOURNAL_ENTRIES, RECORD_MAX_BYTES, SUMMARY_ENTRIES } from '../entry-journal.js';
import { EntryFiles } from './entry-files.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';

export class FileJournal extends EntryJournal {
  /** The file backends, which a Redis journal falls back to. */
  readonly records: EntryFiles;
  readonly summaries: EntryFiles;

  /** @param stateDir the run's state dir; the journal lives in its `journal/` folder. */
  constructor(stateDir: string, fs: StoreFs = nodeStoreFs) {
    const records = new EntryFiles({ dir: stateDir, kind: JOURNAL_ENTRIES, clock: systemClock, fs, entryMaxBytes: RECORD_MAX_BYTES });
    const summaries = new EntryFiles({ dir: stateDir, kind: SUMMARY_ENTRIES, clock: systemClock, fs });
    super(records, summaries);
    this.records = records;
    this.summaries = summaries;
  }
}

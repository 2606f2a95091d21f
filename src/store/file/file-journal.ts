/**
 * The journal in the file store: `<state dir>/journal/<screen>/<YYYY-MM-DD>.json.gz`, one gzipped
 * file per day (a year of 250 coins is a few MB, and each day stands alone, so no write ever
 * touches an earlier day's file).
 *
 * A record is written to a temp file in the same folder, fsynced, then hard-linked to its name:
 * link(2) fails with EEXIST when the name exists, so of two runs recording the same day exactly
 * one succeeds and the other changes nothing, and the name appears complete or not at all. A run
 * killed mid-write leaves only its temp file, which never has a record's name and is swept by the
 * next write (see leftover-sweep.ts).
 */
import { join } from 'node:path';
import { makeDirs } from './make-dirs.js';
import { nodeStoreFs, type StoreFs, fsErrorCode } from './store-fs.js';
import { HOST_TAG, TEMP_SUFFIX, tempOwner, tempPathFor } from './temp-names.js';
import { isProcessAlive } from './process-alive.js';
import { gunzipBytes, gzipText } from '../journal-gzip.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  checkJournalDate,
  checkJournalScreen,
  checkSummaryName,
  JOURNAL_KEEP_DAYS,
  SUMMARY_MAX_BYTES,
  type JournalPort,
  journalDayOf,
  type StoredJournalRecord,
} from '../journal-port.js';

const RECORD_NAME = /^(\d{4}-\d{2}-\d{2})\.json\.gz$/;
const SUMMARY_SUFFIX = '.summary.json';
/** Largest record read back, in bytes (a real day is tens of KB gzipped); a bigger file is damage. */
const RECORD_MAX_BYTES = 16 * 1024 * 1024;

export class FileJournal implements JournalPort {
  readonly #dir: string;
  readonly #fs: StoreFs;

  /** @param stateDir the run's state dir; the journal lives in its `journal/` folder. */
  constructor(stateDir: string, fs: StoreFs = nodeStoreFs) {
    this.#dir = join(stateDir, 'journal');
    this.#fs = fs;
  }

  async appendOnce(screen: string, date: string, json: string): Promise<boolean> {
    const folder = join(this.#dir, checkJournalScreen(screen));
    const target = join(folder, `${checkJournalDate(date)}.json.gz`);
    await makeDirs(folder, 0o700, this.#fs);
    if (await this.#exists(target)) return false;
    const data = await gzipText(Buffer.from(json, 'utf8'));
    const temp = tempPathFor(target);
    let wrote = false;
    try {
      const handle = await this.#fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.#fs.link(temp, target);
      wrote = true;
    } catch (error) {
      if (fsErrorCode(error) !== 'EEXIST') throw error;
    } finally {
      await this.#fs.unlink(temp).catch(() => undefined);
    }
    await this.#tidy(folder, journalDayOf(date));
    return wrote;
  }

  async writeSummary(screen: string, name: string, json: string): Promise<void> {
    const folder = join(this.#dir, checkJournalScreen(screen));
    await makeDirs(folder, 0o700, this.#fs);
    await writeFileAtomic(join(folder, `${checkSummaryName(name)}${SUMMARY_SUFFIX}`), json, { fs: this.#fs });
  }

  async readSummary(screen: string, name: string): Promise<string | undefined> {
    const path = join(this.#dir, checkJournalScreen(screen), `${checkSummaryName(name)}${SUMMARY_SUFFIX}`);
    try {
      const handle = await this.#fs.open(path, 'r');
      try {
        const info = await handle.stat();
        if (!info.isFile() || info.size > SUMMARY_MAX_BYTES) return undefined;
        return (await handle.readFile()).toString('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
  }

  async has(screen: string, date: string): Promise<boolean> {
    return this.#exists(join(this.#dir, checkJournalScreen(screen), `${checkJournalDate(date)}.json.gz`));
  }

  async read(screen: string, sinceDate?: string): Promise<StoredJournalRecord[]> {
    const folder = join(this.#dir, checkJournalScreen(screen));
    const names = await this.#fs.readdir(folder).catch(() => [] as string[]);
    const dates = names
      .map((name) => RECORD_NAME.exec(name)?.[1])
      .filter((date): date is string => date !== undefined && (sinceDate === undefined || date >= sinceDate))
      .sort();
    const records = await Promise.all(dates.map((date) => this.#readOne(join(folder, `${date}.json.gz`), date)));
    return records.filter((record): record is StoredJournalRecord => record !== undefined);
  }

  async #readOne(path: string, date: string): Promise<StoredJournalRecord | undefined> {
    try {
      const handle = await this.#fs.open(path, 'r');
      try {
        const info = await handle.stat();
        if (!info.isFile() || info.size > RECORD_MAX_BYTES) return undefined;
        const data = await handle.readFile();
        const json = (await gunzipBytes(data, { maxOutputLength: 8 * RECORD_MAX_BYTES })).toString('utf8');
        return { date, json };
      } finally {
        await handle.close();
      }
    } catch {
      // Unreadable or damaged: that day is simply not in the journal.
      return undefined;
    }
  }

  async #exists(path: string): Promise<boolean> {
    return this.#fs.lstat(path).then(
      () => true,
      () => false,
    );
  }

  /** Drops records past the keeping time and temp files of writers that are gone. Best effort. */
  async #tidy(folder: string, today: number): Promise<void> {
    const names = await this.#fs.readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const date = RECORD_NAME.exec(name)?.[1];
      const expired = date !== undefined && journalDayOf(date) < today - JOURNAL_KEEP_DAYS;
      if (expired || (name.endsWith(TEMP_SUFFIX) && !ownerAlive(name))) {
        await this.#fs.unlink(join(folder, name)).catch(() => undefined);
      }
    }
  }
}

/** Whether a temp file's writer may still be writing it (another host's temps are left to their own sweep). */
function ownerAlive(name: string): boolean {
  const owner = tempOwner(name);
  if (owner === undefined || owner.hostTag !== HOST_TAG) return true;
  return owner.pid === process.pid || isProcessAlive(owner.pid);
}

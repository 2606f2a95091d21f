/**
 * The signal journal as entries of the store's port family (entry-backend.ts). Each record is a
 * named entry of kind `journal`, key `<screen>/<YYYY-MM-DD>`: the file
 * `<state dir>/journal/<screen>/<date>.json.gz`, or the Redis key `<prefix>journal:<screen>:<date>`
 * with the screen's days in `<prefix>journal:<screen>:days`. Its bytes are the record's JSON
 * gzipped (a year of 250 coins is a few MB, and each day stands alone, so no write ever touches
 * an earlier day's entry), written once (`writeOnce`: the first writer of a day wins, a killed
 * writer leaves nothing). Summaries are entries of kind `journal-summary`, replaced whole.
 * `FileJournal` and `RedisJournal` are the two compositions.
 */
import { CACHE_SCHEMA_VERSION, type CacheEntry, encodeEntry, type EncodedEntry } from './cache-entry.js';
import { type EntryBackend, entryKind, namedKey, type WriteOnceBackend } from './entry-backend.js';
import { gunzipBytes, gzipBytes } from './journal-gzip.js';
import {
  checkJournalDate,
  checkJournalScreen,
  checkSummaryName,
  JOURNAL_KEEP_DAYS,
  type JournalPort,
  journalDayOf,
  type StoredJournalRecord,
  SUMMARY_MAX_BYTES,
} from './journal-port.js';

const DAY_MS = 86_400_000;
const KEEP_MS = JOURNAL_KEEP_DAYS * DAY_MS;
/** Records read at once. */
const READ_BATCH = 64;
/** Largest record read back, in bytes (a real day is tens of KB gzipped); a bigger one is damage. */
export const RECORD_MAX_BYTES = 16 * 1024 * 1024;

/** The journal's records: gzipped JSON, one per screen and day, kept three years. */
export const JOURNAL_ENTRIES = entryKind('journal', {
  suffix: '.json.gz',
  index: 'days',
  rank: journalDayOf,
  keepRanks: JOURNAL_KEEP_DAYS,
  decode: decodeRecord,
});

/** The summaries drawn from a screen's records (cache-entry documents, named by hash). */
export const SUMMARY_ENTRIES = entryKind('journal-summary');

export class EntryJournal implements JournalPort {
  readonly #records: WriteOnceBackend;
  readonly #summaries: EntryBackend;

  constructor(records: WriteOnceBackend, summaries: EntryBackend) {
    this.#records = records;
    this.#summaries = summaries;
  }

  async appendOnce(screen: string, date: string, json: string): Promise<boolean> {
    return this.#records.writeOnce(encodeRecord(recordKey(screen, date), json), KEEP_MS);
  }

  async has(screen: string, date: string): Promise<boolean> {
    return this.#records.exists(recordKey(screen, date));
  }

  async read(screen: string, sinceDate?: string): Promise<StoredJournalRecord[]> {
    checkJournalScreen(screen);
    const since = sinceDate === undefined ? Number.NaN : journalDayOf(sinceDate);
    const dates = await this.#records.names(screen, Number.isFinite(since) ? since : undefined);
    const records: StoredJournalRecord[] = [];
    // A few at a time: three years of days at once would queue tens of MB on one Redis connection.
    for (let start = 0; start < dates.length; start += READ_BATCH) {
      const batch = dates.slice(start, start + READ_BATCH);
      // An unreadable day is simply not in the journal.
      const entries = await Promise.all(batch.map((date) => this.#records.read<string>(`${screen}/${date}`).catch(() => undefined)));
      entries.forEach((entry, i) => {
        if (typeof entry?.value === 'string') records.push({ date: batch[i]!, json: entry.value });
      });
    }
    return records;
  }

  async writeSummary(screen: string, name: string, json: string): Promise<void> {
    const key = summaryKey(screen, name);
    await this.#summaries.write(encodeEntry({ key, source: screen, value: json, ttlMs: KEEP_MS, fetchedAt: 0 }), KEEP_MS);
  }

  async readSummary(screen: string, name: string): Promise<string | undefined> {
    const entry = await this.#summaries.read<unknown>(summaryKey(screen, name));
    const json = entry?.value;
    return typeof json === 'string' && Buffer.byteLength(json) <= SUMMARY_MAX_BYTES ? json : undefined;
  }
}

function recordKey(screen: string, date: string): string {
  return `${checkJournalScreen(screen)}/${checkJournalDate(date)}`;
}

function summaryKey(screen: string, name: string): string {
  return `journal-summary:${checkJournalScreen(screen)}:${checkSummaryName(name)}`;
}

function encodeRecord(key: string, json: string): EncodedEntry<string> {
  return { entry: recordEntry(key, json), bytes: gzipBytes(Buffer.from(json, 'utf8')) };
}

/** A record's bytes as an entry whose value is its JSON text; undefined when they do not gunzip. */
function decodeRecord(bytes: Buffer, key: string): CacheEntry<unknown> | undefined {
  try {
    return recordEntry(key, gunzipBytes(bytes, { maxOutputLength: 8 * RECORD_MAX_BYTES }).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The entry around a record: its gzip carries its own CRC-32, so no checksum of ours. */
function recordEntry(key: string, json: string): CacheEntry<string> {
  const { folder, name } = namedKey(key);
  return {
    schema: CACHE_SCHEMA_VERSION,
    key,
    source: folder,
    fetchedAt: journalDayOf(name) * DAY_MS,
    ttlMs: KEEP_MS,
    checksum: '',
    value: json,
  };
}

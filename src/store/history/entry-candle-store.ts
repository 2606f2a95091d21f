/**
 * Candle history as entries of the store's port family (`EntryBackend`, kind `history`): one
 * entry per series (`<cache dir>/history/` in the file store, `<prefix>history:<hash>` in Redis,
 * the file store behind it when Redis stops answering), its value the series document
 * (`series-codec.ts`), its source the history source. Being a kind of its own, `screen cache
 * ls|clear` never sees it. A series is fetched under the entry's fill lock: another process that
 * wants it waits, then finds it written and leaves it (one fetch per series across a fleet).
 */
import { encodeEntry } from '../cache-entry.js';
import { type EntryBackend, entryKind } from '../entry-backend.js';
import type { CandleStore, SeriesHead, SeriesListing, SeriesLock } from './candle-store.js';
import { SERIES_FORMAT, seriesDocument, seriesFromDocument, type StoredSeries } from './series-codec.js';
import { type HistorySource, isHistorySource, type SeriesKey, seriesName } from './series-key.js';
import { listingOf } from './series-listing.js';

/** The entry kind of candle series. */
export const HISTORY_ENTRIES = entryKind('history');
/** Stored series never expire (a Redis entry is kept this long: ten years). */
const KEEP_MS = 10 * 365 * 24 * 3600_000;
/** Entry keys: `history:binance/1d/BTCUSDT`. */
const KEY_PREFIX = 'history:';

export class EntryCandleStore implements CandleStore {
  readonly label: string;
  readonly #backend: EntryBackend;

  /** @param label where the backend keeps entries, for messages (the folder, or the Redis URL) */
  constructor(backend: EntryBackend, label: string) {
    this.#backend = backend;
    this.label = label;
  }

  async read(key: SeriesKey): Promise<StoredSeries | undefined> {
    const entry = await this.#backend.read<unknown>(entryKey(key));
    return entry ? seriesFromDocument(entry.value, key.interval) : undefined;
  }

  /** From the entry's header (its note); an entry written without one is read whole. */
  async readHead(key: SeriesKey): Promise<SeriesHead | undefined> {
    const header = await this.#backend.readHeader(entryKey(key));
    if (!header) return undefined;
    const head = headOf(header.note, header.fetchedAt);
    if (head) return head;
    const stored = await this.read(key);
    if (!stored) return undefined;
    const { openTime } = stored.series;
    return { fetchedAt: stored.fetchedAt, count: openTime.length, lastOpen: openTime.at(-1), summary: undefined, stored };
  }

  async write(key: SeriesKey, stored: StoredSeries, summary?: Record<string, unknown>): Promise<void> {
    const { openTime } = stored.series;
    // The head: what a run needs of the series without reading it (see readHead).
    const note: NoteDocument = { f: SERIES_FORMAT, n: openTime.length, ...(openTime.length > 0 ? { last: openTime.at(-1) } : {}) };
    if (summary !== undefined) note.sum = summary;
    // Word checksums: a run verifies hundreds of these tens-of-KB values (see word-checksum.ts).
    const encoded = encodeEntry(
      { key: entryKey(key), source: key.source, value: seriesDocument(stored), ttlMs: KEEP_MS, fetchedAt: stored.fetchedAt },
      { checksum: 'words', note: note as unknown as Record<string, unknown> },
    );
    await this.#backend.write(encoded, KEEP_MS);
  }

  /** Waits while another process holds the series (the backend's wait); undefined when it cannot be had. */
  async lock(key: SeriesKey): Promise<SeriesLock | undefined> {
    try {
      return (await this.#backend.lock(entryKey(key))) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async list(source?: HistorySource): Promise<SeriesListing[]> {
    const listings: SeriesListing[] = [];
    for (const key of await this.keys(source)) {
      const stored = await this.read(key);
      if (stored) listings.push(listingOf(key, stored));
    }
    return listings;
  }

  /** From the entries' headers only: no series is read. Sorted by name; ledgers (`~…`) left out. */
  async keys(source?: HistorySource): Promise<SeriesKey[]> {
    const keys: SeriesKey[] = [];
    for (const header of await this.#backend.list()) {
      const key = parseKey(header.key);
      // `~` assets are bookkeeping (Massive's ledger of days asked), not series.
      if (key && !key.asset.startsWith('~') && (source === undefined || key.source === source)) keys.push(key);
    }
    return keys.sort((a, b) => seriesName(a).localeCompare(seriesName(b)));
  }

  clear(source?: HistorySource): Promise<number> {
    return this.#backend.clear(source);
  }
}

/** A series entry's note: its format, length, last open time and the writer's summary. */
interface NoteDocument {
  f: number;
  n: number;
  last?: number | undefined;
  sum?: Record<string, unknown>;
}

/** The head a note gives, or undefined when it is not one of this format (the series is then read). */
function headOf(note: Record<string, unknown> | undefined, fetchedAt: number): SeriesHead | undefined {
  if (note?.f !== SERIES_FORMAT || !Number.isSafeInteger(note.n) || (note.n as number) < 0) return undefined;
  const last = note.last;
  if ((note.n === 0) !== (last === undefined) || (last !== undefined && !Number.isSafeInteger(last))) return undefined;
  return { fetchedAt, count: note.n as number, lastOpen: last as number | undefined, summary: note.sum };
}

function entryKey(key: SeriesKey): string {
  return `${KEY_PREFIX}${key.source}/${key.interval}/${key.asset}`;
}

function parseKey(entry: string): SeriesKey | undefined {
  if (!entry.startsWith(KEY_PREFIX)) return undefined;
  const [source, interval, ...rest] = entry.slice(KEY_PREFIX.length).split('/');
  const asset = rest.join('/');
  if (!source || !isHistorySource(source) || (interval !== '1d' && interval !== '1h') || asset === '') return undefined;
  return { source, interval, asset };
}

/**
 * The journal in Redis: `journal` entries (`<prefix>journal:<screen>:<YYYY-MM-DD>`, the days in
 * `<prefix>journal:<screen>:days`) and `journal-summary` entries, `RedisEntries` with the file
 * store's journal behind them for when Redis is down or stops answering (see entry-journal.ts).
 */
import { EntryJournal, JOURNAL_ENTRIES, SUMMARY_ENTRIES } from '../entry-journal.js';
import { FallbackEntries } from '../fallback-entries.js';
import type { FileJournal } from '../file/file-journal.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisEntries } from './redis-entries.js';

export class RedisJournal extends EntryJournal {
  constructor(connection: RedisConnection, fallback: FileJournal) {
    const up = () => connection.up;
    super(
      new FallbackEntries(new RedisEntries(connection, { kind: JOURNAL_ENTRIES }), fallback.records, up),
      new FallbackEntries(new RedisEntries(connection, { kind: SUMMARY_ENTRIES }), fallback.summaries, up),
    );
  }
}

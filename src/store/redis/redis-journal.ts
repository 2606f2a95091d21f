/**
 * The journal in Redis: each record under `<prefix>journal:<screen>:<YYYY-MM-DD>` (gzipped JSON,
 * base64, expiring after the keeping time) and the days in a sorted set
 * `<prefix>journal:<screen>:days`. One script writes both with `SET … NX`, so of every process
 * sharing the store exactly one records a day and a reader never sees a day without its record.
 * While the store is down (or once it goes down) the file store's journal answers instead.
 */
import { gunzipBytes, gzipText } from '../journal-gzip.js';
import {
  checkJournalDate,
  checkJournalScreen,
  checkSummaryName,
  JOURNAL_KEEP_DAYS,
  type JournalPort,
  journalDayOf,
  type StoredJournalRecord,
  SUMMARY_MAX_BYTES,
} from '../journal-port.js';
import { orFallback } from './redis-budgets.js';
import { luaScript, type RawReply, type RedisConnection } from './redis-connection.js';

const KEEP_MS = JOURNAL_KEEP_DAYS * 86_400_000;
/** Records fetched per MGET. */
const READ_BATCH = 64;

/** KEYS: record, days. ARGV: payload, keep ms, day number, date, first day kept. Returns 1 when written. */
const APPEND_ONCE = luaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`);

export class RedisJournal implements JournalPort {
  readonly #connection: RedisConnection;
  readonly #fallback: JournalPort;

  constructor(connection: RedisConnection, fallback: JournalPort) {
    this.#connection = connection;
    this.#fallback = fallback;
  }

  async appendOnce(screen: string, date: string, json: string): Promise<boolean> {
    checkJournalScreen(screen);
    const day = journalDayOf(checkJournalDate(date));
    const payload = (await gzipText(Buffer.from(json, 'utf8'))).toString('base64');
    return orFallback(
      this.#connection,
      async () => {
        const reply = await this.#connection.eval(
          APPEND_ONCE,
          [this.#recordKey(screen, date), this.#daysKey(screen)],
          [payload, KEEP_MS, day, date, day - JOURNAL_KEEP_DAYS],
        );
        return reply === 1;
      },
      () => this.#fallback.appendOnce(screen, date, json),
    );
  }

  async writeSummary(screen: string, name: string, json: string): Promise<void> {
    checkJournalScreen(screen);
    checkSummaryName(name);
    return orFallback(
      this.#connection,
      async () => {
        await this.#connection.command(['SET', this.#summaryKey(screen, name), json, 'PX', KEEP_MS]);
      },
      () => this.#fallback.writeSummary(screen, name, json),
    );
  }

  async readSummary(screen: string, name: string): Promise<string | undefined> {
    checkJournalScreen(screen);
    checkSummaryName(name);
    return orFallback(
      this.#connection,
      async () => {
        const reply = await this.#connection.command(['GET', this.#summaryKey(screen, name)]);
        return Buffer.isBuffer(reply) && reply.length <= SUMMARY_MAX_BYTES ? reply.toString('utf8') : undefined;
      },
      () => this.#fallback.readSummary(screen, name),
    );
  }

  async has(screen: string, date: string): Promise<boolean> {
    checkJournalScreen(screen);
    checkJournalDate(date);
    return orFallback(
      this.#connection,
      async () => (await this.#connection.command(['EXISTS', this.#recordKey(screen, date)])) === 1,
      () => this.#fallback.has(screen, date),
    );
  }

  async read(screen: string, sinceDate?: string): Promise<StoredJournalRecord[]> {
    checkJournalScreen(screen);
    const sinceDay = sinceDate === undefined ? Number.NaN : journalDayOf(sinceDate);
    const since = Number.isFinite(sinceDay) ? String(sinceDay) : '-inf';
    return orFallback(
      this.#connection,
      async () => {
        const reply = await this.#connection.command(['ZRANGEBYSCORE', this.#daysKey(screen), since, '+inf']);
        const dates = (Array.isArray(reply) ? reply : []).map(String).filter((date) => Number.isFinite(journalDayOf(date)));
        const records: StoredJournalRecord[] = [];
        for (let start = 0; start < dates.length; start += READ_BATCH) {
          const batch = dates.slice(start, start + READ_BATCH);
          const values = await this.#connection.command(['MGET', ...batch.map((date) => this.#recordKey(screen, date))]);
          const decoded = await Promise.all(batch.map((date, i) => decode(date, Array.isArray(values) ? values[i] : null)));
          for (const record of decoded) if (record) records.push(record);
        }
        return records;
      },
      () => this.#fallback.read(screen, sinceDate),
    );
  }

  #recordKey(screen: string, date: string): string {
    return this.#connection.key(`journal:${screen}:${date}`);
  }

  #summaryKey(screen: string, name: string): string {
    return this.#connection.key(`journal:${screen}:summary:${name}`);
  }

  #daysKey(screen: string): string {
    return this.#connection.key(`journal:${screen}:days`);
  }
}

async function decode(date: string, value: RawReply | undefined): Promise<StoredJournalRecord | undefined> {
  if (!Buffer.isBuffer(value)) return undefined;
  try {
    const json = (await gunzipBytes(Buffer.from(value.toString('latin1'), 'base64'))).toString('utf8');
    return { date, json };
  } catch {
    return undefined;
  }
}

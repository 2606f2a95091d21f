/**
 * The journal's side of a screen run: record the last closed day once (the first run that sees it
 * close does; the others find it recorded and change nothing), and give the rows the 7-day
 * verdict of each flag. The verdicts are computed from the journal when a day is recorded and
 * kept beside it as a summary, so every other run reads one small document instead of the journal.
 */
import { evaluateSignals } from '../../screens/eval/evaluate.js';
import { parseVerdictSummary, ROW_VERDICT_HORIZON_DAYS, type VerdictSummary, verdictSummary } from '../../screens/eval/flag-verdicts.js';
import { decodeJournalRecord, encodeJournalRecord } from '../../screens/eval/journal-codec.js';
import type { JournalRecord, JournalScreen } from '../../screens/eval/journal-record.js';
import { dateOfDay, dayNumberOf, lastClosedDay } from '../../screens/eval/utc-day.js';
import type { JournalPort } from '../../store/journal-port.js';

/**
 * Records `record` as the last closed day's unless the journal has that day, then refreshes the
 * verdicts. Resolves whether this run wrote it. A record for any other day is a caller's bug.
 */
export async function journalClosedDay(
  journal: JournalPort,
  screen: JournalScreen,
  record: JournalRecord,
  nowMs: number,
): Promise<boolean> {
  if (dayNumberOf(record.date) !== lastClosedDay(nowMs)) throw new TypeError(`only the last closed day is journaled, not ${record.date}`);
  if (await journal.has(screen, record.date)) return false;
  const wrote = await journal.appendOnce(screen, record.date, encodeJournalRecord(record));
  if (wrote) await refreshVerdicts(journal, screen);
  return wrote;
}

/** The flags' 7-day verdicts: the kept ones, or computed from the journal (and kept) when there are none. */
export async function flagVerdicts(journal: JournalPort, screen: JournalScreen): Promise<VerdictSummary> {
  return parseVerdictSummary(parseJson(await journal.readSummary(screen, SUMMARY_NAME))) ?? refreshVerdicts(journal, screen);
}

async function refreshVerdicts(journal: JournalPort, screen: JournalScreen): Promise<VerdictSummary> {
  const records = (await journal.read(screen)).flatMap((stored) => {
    const record = decodeJournalRecord(stored.json);
    return record && record.date === stored.date ? [record] : [];
  });
  const newest = records.length > 0 ? dayNumberOf(records.at(-1)!.date)! : 0;
  const summary = verdictSummary(evaluateSignals(records, { horizonDays: ROW_VERDICT_HORIZON_DAYS, asOfDay: newest }));
  await journal.writeSummary(screen, SUMMARY_NAME, JSON.stringify(summary));
  return summary;
}

/** The verdicts' summary name: the horizon is part of it, so another horizon's never passes for it. */
const SUMMARY_NAME = `verdicts-${ROW_VERDICT_HORIZON_DAYS}d`;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `YYYY-MM-DD` of the last closed day at `nowMs`. */
export function lastClosedDate(nowMs: number): string {
  return dateOfDay(lastClosedDay(nowMs));
}

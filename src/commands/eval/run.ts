/**
 * The work of `screen eval`: read the journal (or, with `--basis backfill`, rebuild it from stored
 * candles), then score every signal over the horizon.
 */
import type { EVAL_BASES } from '../../options/eval-options.js';
import { usageError } from '../../options/parse-values.js';
import { type Evaluation, evaluateSignals } from '../../screens/eval/evaluate.js';
import { decodeJournalRecord } from '../../screens/eval/journal-codec.js';
import type { JournalRecord, JournalScreen } from '../../screens/eval/journal-record.js';
import { dayNumberOf, lastClosedDay } from '../../screens/eval/utc-day.js';
import type { CommandContext } from '../command-spec.js';
import { openJournal } from './open-journal.js';

export interface EvalOptions {
  screen: JournalScreen;
  horizonDays: number;
  basis: (typeof EVAL_BASES)[number];
  /** `YYYY-MM-DD`: only signal days from then on. */
  since: string | undefined;
  json: boolean;
}

export interface EvalResult {
  screen: JournalScreen;
  basis: EvalOptions['basis'];
  generatedAt: number;
  store: 'file' | 'redis';
  /** Days in the evidence (journal records read, or days backfilled). */
  days: number;
  /** The first and last day of them, `YYYY-MM-DD`; undefined without any. */
  firstDate: string | undefined;
  lastDate: string | undefined;
  evaluation: Evaluation;
  /** Backfill sees only the coins whose candles are stored today. */
  survivorshipBiased: boolean;
}

export async function runEval(context: CommandContext, options: EvalOptions): Promise<EvalResult> {
  if (options.basis === 'backfill') {
    throw usageError('--basis backfill needs the stored candle history, which this version does not keep yet; use --basis journal');
  }
  const opened = await openJournal({
    store: context.settings.store,
    stateDir: context.settings.stateDir,
    clock: context.clock,
    warn: (message) => context.stderr.write(`warning: ${message}\n`),
  });
  let records: JournalRecord[];
  try {
    const stored = await opened.journal.read(options.screen, options.since);
    records = stored.flatMap((entry) => {
      const record = decodeJournalRecord(entry.json);
      return record && record.date === entry.date ? [record] : [];
    });
  } finally {
    await opened.close();
  }
  const now = context.clock.now();
  const days = records.map((record) => dayNumberOf(record.date)!).filter((day) => day <= lastClosedDay(now));
  const newest = days.length > 0 ? Math.max(...days) : lastClosedDay(now);
  const evaluation = evaluateSignals(records, {
    horizonDays: options.horizonDays,
    // Closes are known through the newest record: a later horizon end is pending, not missing.
    asOfDay: newest,
    sinceDay: options.since === undefined ? undefined : dayNumberOf(options.since),
  });
  return {
    screen: options.screen,
    basis: options.basis,
    generatedAt: now,
    store: opened.store,
    days: records.length,
    firstDate: records[0]?.date,
    lastDate: records.at(-1)?.date,
    evaluation,
    survivorshipBiased: false,
  };
}

/**
 * The work of `screen eval`: read the journal (or, with `--basis backfill`, rebuild it from stored
 * candles), then score every signal over the horizon.
 */
import { INTERVAL_MS } from '../../candle.js';
import type { EVAL_BASES } from '../../options/eval-options.js';
import { backfillRecords } from '../../screens/eval/backfill.js';
import { type Evaluation, evaluateSignals } from '../../screens/eval/evaluate.js';
import { decodeJournalRecord } from '../../screens/eval/journal-codec.js';
import type { JournalRecord, JournalScreen } from '../../screens/eval/journal-record.js';
import { sessionsOf } from '../../screens/eval/trading-days.js';
import { dayNumberOf, lastClosedDay } from '../../screens/eval/utc-day.js';
import type { CommandContext } from '../command-spec.js';
import { DEFAULT_CRYPTO_OPTIONS } from '../crypto/run.js';
import { backfillUniverse } from './backfill-universe.js';
import { marketSessions } from './market-sessions.js';
import { type EvalStore, openEvalStore } from './open-store.js';

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
  /** Backfill: the assets with stored candles it was rebuilt from. */
  assets: number | undefined;
  evaluation: Evaluation;
  /** Backfill sees only the coins whose candles are stored today. */
  survivorshipBiased: boolean;
}

export async function runEval(context: CommandContext, options: EvalOptions): Promise<EvalResult> {
  const now = context.clock.now();
  const opened = await openEvalStore({
    store: context.settings.store,
    stateDir: context.settings.stateDir,
    cacheDir: context.settings.cacheDir,
    clock: context.clock,
    warn: (message) => context.stderr.write(`warning: ${message}\n`),
  });
  let evidence: Evidence;
  try {
    evidence = options.basis === 'backfill' ? await backfilled(opened, options, now) : await journaled(opened, options);
  } finally {
    await opened.close();
  }
  const { records, sessions } = evidence;
  const days = [...records.map((record) => dayNumberOf(record.date)!), ...(sessions ?? [])].filter((day) => day <= lastClosedDay(now));
  const newest = days.length > 0 ? Math.max(...days) : lastClosedDay(now);
  const evaluation = evaluateSignals(records, {
    horizonDays: options.horizonDays,
    // Closes are known through the newest day: a later horizon end is pending, not missing.
    asOfDay: newest,
    sinceDay: options.since === undefined ? undefined : dayNumberOf(options.since),
    sessions,
    closeOn: evidence.closeOn,
  });
  return {
    screen: options.screen,
    basis: options.basis,
    generatedAt: now,
    store: opened.store,
    days: records.length,
    firstDate: records[0]?.date,
    lastDate: records.at(-1)?.date,
    assets: evidence.assets,
    evaluation,
    survivorshipBiased: options.basis === 'backfill',
  };
}

/** The days to score, and for stocks the trading days their horizons count (undefined: calendar days). */
interface Evidence {
  records: JournalRecord[];
  /** Backfill: the assets rebuilt from. */
  assets: number | undefined;
  sessions?: number[] | undefined;
  closeOn?: ((id: string, day: number) => number | undefined) | undefined;
}

async function journaled(store: EvalStore, options: EvalOptions): Promise<Evidence> {
  const stored = await store.journal.read(options.screen, options.since);
  const records = stored.flatMap((entry) => {
    const record = decodeJournalRecord(entry.json);
    return record && record.date === entry.date ? [record] : [];
  });
  if (options.screen === 'crypto') return { records, assets: undefined };
  return { records, assets: undefined, ...(await marketSessions(store.candles, records)) };
}

/** Every day from the first stored candle (or `--since`) to the last closed one, rebuilt. */
async function backfilled(store: EvalStore, options: EvalOptions, nowMs: number): Promise<Evidence> {
  const coins = await backfillUniverse(store.candles, options.screen);
  const firstOpen = Math.min(...coins.map((coin) => coin.history.daily?.openTime[0] ?? Number.POSITIVE_INFINITY));
  if (!Number.isFinite(firstOpen)) return { records: [], assets: 0 };
  const since = options.since === undefined ? Number.NEGATIVE_INFINITY : dayNumberOf(options.since)!;
  const records = backfillRecords(coins, {
    fromDay: Math.max(Math.floor(firstOpen / INTERVAL_MS['1d']), since),
    toDay: lastClosedDay(nowMs),
    minVolumeUsd: options.screen === 'crypto' ? DEFAULT_CRYPTO_OPTIONS.minVolumeUsd : 0,
  });
  if (options.screen === 'crypto') return { records, assets: coins.length };
  // A trading day is a day some stock has a bar of: every record's day, and the bars' days before the first record.
  const sessions = sessionsOf(
    coins.flatMap((coin) => (coin.history.daily?.openTime ?? []).map((openTime) => Math.floor(openTime / INTERVAL_MS['1d']))),
  );
  return { records, assets: coins.length, sessions };
}

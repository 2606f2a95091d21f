/**
 * The crypto run's side of the signal journal: it records the last closed day when this run is
 * the first to see it, and hands each row the 7-day verdict of the flags it raises. Only a run over
 * the default universe (top 250, default volume gate, no `--symbols`) that got that universe from a
 * source just now or from its fresh cache records a day: every record then covers the same
 * universe, measured the same way. A journal that cannot be written or read is a warning, never a
 * failed run.
 */
import type { SourceReport } from '../../report.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { CryptoRow } from '../../screens/crypto/crypto-row.js';
import type { CryptoScreen } from '../../screens/crypto/screen-crypto.js';
import { rowVerdicts, type VerdictSummary, verdictLabel } from '../../screens/eval/flag-verdicts.js';
import { journalRecordOf } from '../../screens/eval/journal-rows.js';
import { signalFlagsOf } from '../../screens/signals/signal-columns.js';
import type { SignalFlag } from '../../screens/signals/signal-fields.js';
import { flagVerdicts, journalClosedDay, lastClosedDate } from './journal-day.js';

export interface CryptoEvidence {
  rows: CryptoRow[];
  /** The document's `evidence` member; undefined when no journal was read. */
  document: Readonly<Record<string, unknown>> | undefined;
  /** A line for stderr naming the verdicts of the flags among the shown rows; undefined when none is raised. */
  note: string | undefined;
}

export async function cryptoEvidence(
  rt: Runtime,
  screen: CryptoScreen,
  options: { defaultUniverse: boolean; universe: SourceReport<string> | undefined; nowMs: number },
): Promise<CryptoEvidence> {
  const journal = rt.journal;
  if (!journal) return { rows: screen.rows, document: undefined, note: undefined };
  const date = lastClosedDate(options.nowMs);
  const served = options.universe?.status === 'fresh' || options.universe?.status === 'cached';
  if (options.defaultUniverse && served) {
    try {
      await journalClosedDay(journal, 'crypto', journalRecordOf(date, screen.journalRows()), options.nowMs);
    } catch (error) {
      rt.warn(`signal journal: could not record ${date}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let summary: VerdictSummary;
  try {
    summary = await flagVerdicts(journal, 'crypto');
  } catch (error) {
    rt.warn(`signal journal: could not read it: ${error instanceof Error ? error.message : String(error)}`);
    return { rows: screen.rows, document: undefined, note: undefined };
  }
  const rows = screen.rows.map((row) => ({ ...row, verdicts: rowVerdicts(row, summary) }));
  const shown = new Set<SignalFlag>(rows.flatMap((row) => signalFlagsOf(row)));
  const labels = [...shown].map((flag) => verdictLabel(flag, summary.verdicts[flag]));
  return {
    rows,
    document: { evidence: { horizonDays: summary.horizonDays, basis: 'journal', asOf: summary.asOf, verdicts: summary.verdicts } },
    note: labels.length > 0 ? `signal evidence, ${summary.horizonDays} days (screen eval): ${labels.join(' · ')}` : undefined,
  };
}

import type { ColumnSpec } from '../../output/column-spec.js';
import type { Verdict } from '../eval/verdict.js';
import { hasSignalFlag } from './flags.js';
import { NO_SIGNAL_FIELDS, SIGNAL_FLAGS, type SignalFields, type SignalFlag } from './signal-fields.js';

/** The flags a row carries, in `SIGNAL_FLAGS` order. */
export function signalFlagsOf(fields: SignalFields): SignalFlag[] {
  return SIGNAL_FLAGS.filter((flag) => hasSignalFlag(fields, flag));
}

/** What `screen eval` says of each flag a row raises, when the run read the journal. */
type RowVerdicts = Partial<Record<SignalFlag, Verdict>>;

/**
 * One short token per flag for the table's Signals cell: `vol×3.4 20d rs+12 sqz7 rsi25`; a flag
 * whose 7-day verdict is `helps` is marked ✓, `hurts` ✗ (the stderr note spells them out).
 */
export function compactSignals(fields: SignalFields, verdicts?: RowVerdicts): string {
  const tokens: string[] = [];
  for (const flag of signalFlagsOf(fields)) {
    const before = tokens.length;
    switch (flag) {
      case 'rvol':
        tokens.push(`vol×${fields.rvol!.toFixed(1)}`);
        break;
      case 'breakout':
        tokens.push(fields.breakout!);
        break;
      case 'rs':
        tokens.push(`rs+${Math.round(fields.rs7dPct!)}`);
        break;
      case 'squeeze':
        tokens.push(`sqz${Math.round(fields.squeezePct!)}`);
        break;
      case 'oversold':
      case 'overbought':
        tokens.push(`rsi${Math.round(fields.rsi14!)}`);
        break;
    }
    const verdict = verdicts?.[flag];
    if (tokens.length > before && (verdict === 'helps' || verdict === 'hurts')) tokens[before] += verdict === 'helps' ? '✓' : '✗';
  }
  return tokens.join(' ');
}

/** Every signal field, in the order rows and CSV columns list them. */
const SIGNAL_KEYS = Object.keys(NO_SIGNAL_FIELDS) as (keyof SignalFields)[];

/**
 * The signal columns of a row: one compact Signals column in the table (the first dropped on a
 * narrow terminal; in CSV the flag names, `;`-separated), and each of `keys` (the fields the row
 * carries; all by default) as its own CSV column.
 */
export function signalColumns<Row extends Partial<SignalFields> & { verdicts?: RowVerdicts }>(
  dropOrder: number,
  keys: readonly (keyof SignalFields)[] = SIGNAL_KEYS,
): ColumnSpec<Row>[] {
  const full = (row: Row): SignalFields => ({ ...NO_SIGNAL_FIELDS, ...row });
  return [
    {
      key: 'signals',
      header: 'Signals',
      value: (row) => signalFlagsOf(full(row)).join(';'),
      display: (row) => compactSignals(full(row), row.verdicts),
      dropOrder,
    },
    ...keys.map((key): ColumnSpec<Row> => ({ key, header: key, value: (row) => full(row)[key], dropOrder, csvOnly: true })),
  ];
}

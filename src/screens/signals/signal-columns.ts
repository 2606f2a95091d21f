import type { ColumnSpec } from '../../output/column-spec.js';
import { hasSignalFlag } from './flags.js';
import { SIGNAL_FLAGS, type SignalFields, type SignalFlag } from './signal-fields.js';

/** The flags a row carries, in `SIGNAL_FLAGS` order. */
export function signalFlagsOf(fields: SignalFields): SignalFlag[] {
  return SIGNAL_FLAGS.filter((flag) => hasSignalFlag(fields, flag));
}

/** One short token per flag for the table's Signals cell: `vol×3.4 20d rs+12 sqz7 rsi25`. */
export function compactSignals(fields: SignalFields): string {
  const tokens: string[] = [];
  for (const flag of signalFlagsOf(fields)) {
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
  }
  return tokens.join(' ');
}

/**
 * The signal columns of a row: one compact Signals column in the table (the first dropped on a
 * narrow terminal; in CSV the flag names, `;`-separated), and every field as its own CSV column.
 */
export function signalColumns<Row extends SignalFields>(dropOrder: number): ColumnSpec<Row>[] {
  const csv = (key: keyof SignalFields, value: (row: Row) => string | number | null): ColumnSpec<Row> => ({
    key,
    header: key,
    value,
    dropOrder,
    csvOnly: true,
  });
  return [
    {
      key: 'signals',
      header: 'Signals',
      value: (row) => signalFlagsOf(row).join(';'),
      display: (row) => compactSignals(row),
      dropOrder,
    },
    csv('rvol', (row) => row.rvol),
    csv('breakout', (row) => row.breakout),
    csv('rs7dPct', (row) => row.rs7dPct),
    csv('rs30dPct', (row) => row.rs30dPct),
    csv('squeezePct', (row) => row.squeezePct),
    csv('rsi14', (row) => row.rsi14),
    csv('rsi14h', (row) => row.rsi14h),
    csv('trend', (row) => row.trend),
    csv('listedDays', (row) => row.listedDays),
    csv('historyAsOf', (row) => row.historyAsOf),
    csv('why', (row) => row.why),
  ];
}

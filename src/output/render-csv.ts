import type { ColumnSpec } from './column-spec.js';
import { csvCell } from './sanitize.js';

/** RFC 4180 CSV of the machine values, with formula-injection neutralised by `csvCell`. */
export function renderCsv<R>(rows: R[], columns: ColumnSpec<R>[]): string {
  const lines = [columns.map((column) => csvCell(column.key)).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(column.value(row))).join(','));
  return `${lines.join('\n')}\n`;
}

import type { ChalkInstance } from 'chalk';
import type { ColumnSpec } from '../commands/command-result.js';
import { formatCompact } from './format-number.js';
import { sanitizeText } from './sanitize.js';

export interface TableRenderOptions {
  /** Terminal width in columns; columns are dropped (highest `dropOrder` first) until the table fits. */
  width: number;
  /** Colour instance; a level-0 chalk draws no colour. */
  chalk: ChalkInstance;
}

/** Width of the borders and padding cli-table3 adds: one bar per column plus one, and 2 spaces of padding per cell. */
function frameWidth(columns: number): number {
  return columns + 1 + columns * 2;
}

/**
 * Draws results as a cli-table3 table that fits `width`. Every cell passes through `sanitizeText`
 * (third-party text never reaches the terminal raw) and is truncated to its column's `maxWidth`.
 */
export async function renderTable<R>(rows: R[], columns: ColumnSpec<R>[], options: TableRenderOptions): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const cells = rows.map((row) => columns.map((column) => cellText(row, column)));
  const visible = fitColumns(columns, cells, options.width);
  const table = new Table({
    head: visible.map((index) => options.chalk.bold(columns[index]!.header)),
    colAligns: visible.map((index) => columns[index]!.align ?? 'left'),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  rows.forEach((row, rowIndex) => {
    table.push(
      visible.map((index) => {
        const column = columns[index]!;
        const text = cells[rowIndex]![index]!;
        return column.signColor ? colourBySign(column.value(row), text, options.chalk) : text;
      }),
    );
  });
  return table.toString();
}

function cellText<R>(row: R, column: ColumnSpec<R>): string {
  const raw = column.display ? column.display(row) : defaultDisplay(column.value(row));
  const text = sanitizeText(raw);
  if (!column.maxWidth || text.length <= column.maxWidth) return text;
  return `${text.slice(0, Math.max(1, column.maxWidth - 1))}…`;
}

function defaultDisplay(value: string | number | null): string {
  if (value === null) return '–';
  return typeof value === 'number' ? formatCompact(value) : value;
}

/** Indexes of the columns kept, dropping by descending `dropOrder` until the table fits. */
export function fitColumns<R>(columns: ColumnSpec<R>[], cells: string[][], width: number): number[] {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((row) => [...(row[index] ?? '')].length)),
  );
  const kept = columns.map((_, index) => index);
  const total = (): number => kept.reduce((sum, index) => sum + widths[index]!, 0) + frameWidth(kept.length);
  const droppable = kept
    .filter((index) => columns[index]!.dropOrder > 0)
    .sort((a, b) => columns[b]!.dropOrder - columns[a]!.dropOrder);
  for (const index of droppable) {
    if (total() <= width) break;
    kept.splice(kept.indexOf(index), 1);
  }
  return kept;
}

function colourBySign(value: string | number | null, text: string, chalk: ChalkInstance): string {
  if (typeof value !== 'number' || value === 0) return text;
  return value > 0 ? chalk.green(text) : chalk.red(text);
}

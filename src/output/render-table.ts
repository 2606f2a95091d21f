import type { ChalkInstance } from 'chalk';
import type { ColumnSpec } from './column-spec.js';
import { drawTable } from './draw-table.js';
import { hyperlink } from './hyperlink.js';
import { formatCompact } from './format-number.js';
import { sanitizeText } from './sanitize.js';
import { truncate } from './truncate.js';

export interface TableRenderOptions {
  /** Terminal width in columns; columns are dropped (highest `dropOrder` first) until the table fits. */
  width: number;
  /** Colour instance; a level-0 chalk draws no colour. */
  chalk: ChalkInstance;
  /**
   * Cells to mark (`--watch`: what changed since the last refresh), by row index and column key:
   * drawn inverse, or followed by `*` when there is no colour.
   */
  marked?: (rowIndex: number, columnKey: string) => boolean;
  /** Cells of columns with a `link` become OSC 8 hyperlinks (a terminal that shows them). @default false */
  links?: boolean;
}

/** Width of the borders and padding cli-table3 adds: one bar per column plus one, and 2 spaces of padding per cell. */
function frameWidth(columns: number): number {
  return columns + 1 + columns * 2;
}

/**
 * Draws results as a cli-table3 table that fits `width`. Every cell passes through `sanitizeText`
 * (third-party text never reaches the terminal raw) and is truncated to its column's `maxWidth`.
 */
export async function renderTable<R>(rows: R[], allColumns: ColumnSpec<R>[], options: TableRenderOptions): Promise<string> {
  const columns = allColumns.filter((column) => !column.csvOnly);
  const marked = options.marked;
  const plainMarks = marked !== undefined && options.chalk.level === 0;
  const cells = rows.map((row, rowIndex) =>
    columns.map((column) => {
      const text = cellText(row, column);
      return plainMarks && marked(rowIndex, column.key) ? `${text}*` : text;
    }),
  );
  const { kept: visible, limits } = fitColumns(columns, cells, options.width);
  const drawn = rows.map((row, rowIndex) =>
    visible.map((index) => {
      const column = columns[index]!;
      const text = truncate(cells[rowIndex]![index]!, limits.get(index));
      const paint = column.colour?.(row, options.chalk);
      const coloured = paint ? paint(text) : column.signColor ? colourBySign(column.value(row), text, options.chalk) : text;
      return !plainMarks && marked?.(rowIndex, column.key) ? options.chalk.inverse(coloured) : coloured;
    }),
  );
  const layout = {
    head: visible.map((index) => columns[index]!.header),
    aligns: visible.map((index) => columns[index]!.align ?? 'left'),
    chalk: options.chalk,
  };
  const table = await drawTable(layout, drawn);
  if (!options.links || !visible.some((index) => columns[index]!.link)) return table;
  return linkCells(
    table,
    rows,
    visible.map((index) => columns[index]!),
    drawn,
  );
}

/**
 * Wraps the linked cells of a drawn table in OSC 8 hyperlinks. Done on the drawn text, not before:
 * the table library measures cells by their visible width and would count a link's URL. A table
 * whose rows did not stay one line each is left without links.
 */
function linkCells<R>(table: string, rows: readonly R[], visible: readonly ColumnSpec<R>[], drawn: readonly string[][]): string {
  const lines = table.split('\n');
  // Top border, header, one line per row, bottom border.
  if (lines.length !== rows.length + 3) return table;
  for (const [rowIndex, row] of rows.entries()) {
    const cells = lines[rowIndex + 2]!.split('│');
    if (cells.length !== visible.length + 2) return table;
    visible.forEach((column, columnIndex) => {
      const url = column.link?.(row);
      const text = drawn[rowIndex]![columnIndex]!;
      const cell = cells[columnIndex + 1]!;
      const at = cell.indexOf(text);
      if (!url || text === '' || at === -1) return;
      cells[columnIndex + 1] = `${cell.slice(0, at)}${hyperlink(text, url)}${cell.slice(at + text.length)}`;
    });
    lines[rowIndex + 2] = cells.join('│');
  }
  return lines.join('\n');
}

function cellText<R>(row: R, column: ColumnSpec<R>): string {
  const raw = column.display ? column.display(row) : defaultDisplay(column.value(row));
  return truncate(sanitizeText(raw), column.maxWidth);
}

function defaultDisplay(value: string | number | null): string {
  if (value === null) return '–';
  return typeof value === 'number' ? formatCompact(value) : value;
}

/** Flexible (maxWidth) columns shrink to this (or their `flexFloor`) before any column is dropped: a readable title. */
const FLEX_FLOOR_WIDTH = 40;
/** ...and, once nothing is left to drop, as far as this to fit a very narrow terminal. */
const FLEX_HARD_MIN_WIDTH = 8;

export interface FittedColumns {
  /** Indexes of the columns kept, in order. */
  kept: number[];
  /** Character limits for flexible columns that had to shrink, by column index. */
  limits: Map<number, number>;
}

/**
 * Fits the table into `width`: columns are dropped in descending `dropOrder` until the table fits
 * with its flexible columns (those with `maxWidth`, such as titles) shrunk to FLEX_FLOOR_WIDTH;
 * then the flexible columns shrink only as much as still needed (down to FLEX_HARD_MIN_WIDTH
 * when nothing is left to drop).
 */
export function fitColumns<R>(columns: ColumnSpec<R>[], cells: string[][], width: number): FittedColumns {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((row) => [...(row[index] ?? '')].length)));
  const kept = columns.map((_, index) => index);
  const floorOf = (index: number, floor = columns[index]!.flexFloor ?? FLEX_FLOOR_WIDTH): number =>
    columns[index]!.maxWidth ? Math.min(widths[index]!, Math.max(floor, columns[index]!.header.length)) : widths[index]!;
  const total = (widthOf: (index: number) => number): number =>
    kept.reduce((sum, index) => sum + widthOf(index), 0) + frameWidth(kept.length);
  const droppable = kept.filter((index) => columns[index]!.dropOrder > 0).sort((a, b) => columns[b]!.dropOrder - columns[a]!.dropOrder);
  for (const index of droppable) {
    if (total(floorOf) <= width) break;
    kept.splice(kept.indexOf(index), 1);
  }
  const limits = new Map<number, number>();
  let overflow = total((index) => widths[index]!) - width;
  // First to each column's own floor, then (nothing left to drop) as far as the hard minimum.
  for (const floor of [undefined, FLEX_HARD_MIN_WIDTH]) {
    for (const index of kept) {
      if (overflow <= 0) break;
      const current = limits.get(index) ?? widths[index]!;
      const room = current - floorOf(index, floor);
      if (room <= 0) continue;
      const cut = Math.min(room, overflow);
      limits.set(index, current - cut);
      overflow -= cut;
    }
  }
  return { kept, limits };
}

function colourBySign(value: string | number | null, text: string, chalk: ChalkInstance): string {
  if (typeof value !== 'number' || value === 0) return text;
  return value > 0 ? chalk.green(text) : chalk.red(text);
}

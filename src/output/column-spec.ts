import type { ChalkInstance } from 'chalk';

/** How a table/CSV column is drawn. Table rendering drops columns by `dropOrder` to fit the terminal. */
export interface ColumnSpec<R> {
  /** CSV header and stable identifier. */
  key: string;
  /** Table header. */
  header: string;
  value: (row: R) => string | number | null;
  /** Pre-formatted table cell (defaults to `value`, numbers formatted compactly). */
  display?: (row: R) => string;
  align?: 'left' | 'right';
  /** Colour the cell green/red by the sign of `value`. */
  signColor?: boolean;
  /** Columns with a higher dropOrder are dropped first when the table is too wide; 0 = never drop. */
  dropOrder: number;
  /** Truncate the table cell to this many characters (long titles, names). */
  maxWidth?: number;
  /**
   * For a column with `maxWidth`: how far it shrinks before any column is dropped to make room.
   * @default 40 (a readable title)
   */
  flexFloor?: number;
  /** Where the cell links to on a terminal that shows hyperlinks (OSC 8); none when undefined. */
  link?: (row: R) => string | undefined;
  /** A CSV column only: the table leaves it out (a compact column stands for it there). */
  csvOnly?: boolean;
  /** Colours the (already truncated) cell text of a row; none when it returns undefined. */
  colour?: (row: R, chalk: ChalkInstance) => ((text: string) => string) | undefined;
}

import type { SourceName } from '../sources/source-names.js';

/** Public freshness words (CONTRACT): how each source's data was obtained in this run. */
export type SourceStatus = 'fresh' | 'cached' | 'stale' | 'failed' | 'skipped';

/** One entry of JSON `sources` and one stderr status line. */
export interface SourceReport {
  name: SourceName;
  status: SourceStatus;
  /** ISO time the data was fetched from the API (null when nothing was served). */
  fetchedAt: string | null;
  ageSeconds: number | null;
  items: number;
  /** Why the source failed, was skipped, or why stale data was served. Already free of secrets. */
  error: string | null;
  /** Stale data older than the source's max stale age: served, but loudly marked. */
  veryStale?: boolean;
}

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
}

/** What a data command hands to the output layer. Results are already sorted and limited. */
export interface CommandResult<R> {
  command: 'crypto' | 'news' | 'market';
  generatedAt: string;
  sources: SourceReport[];
  results: R[];
  excluded?: Array<{ id: string; reason: string }>;
  columns: ColumnSpec<R>[];
  /** Extra human lines for stderr (e.g. "12 excluded: stablecoin 5, wrapped 4, low volume 3"). */
  notes: string[];
}

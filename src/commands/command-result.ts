import type { ColumnSpec } from '../output/column-spec.js';
import type { SourceName } from '../sources/source-names.js';

export type { ColumnSpec };

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

/**
 * The report model of a data run: what each source served and what the command found. Commands
 * build it, `src/output/` renders it (status lines, JSON, metrics) and the CLI turns it into an
 * exit code, so it sits on the bottom floor and imports nothing.
 */

/** Public freshness words (README "Output"; `--json` `sources[].status`): how each source's data was obtained in this run. */
export type SourceStatus = 'fresh' | 'cached' | 'stale' | 'failed' | 'skipped';

/** Why a source did not run, as a code (`skipReasonText` gives the sentence users read). */
export type SkipReason =
  /** The source needs an API key and `variable` is not set. */
  | { kind: 'missing-key'; variable: string }
  /** `--sources` left it out. */
  | { kind: 'not-selected' }
  /** Other sources or the cache already covered everything it would have been asked for. */
  | { kind: 'not-needed' };

/**
 * One entry of JSON `sources` and one stderr status line. `Name` is the source-name vocabulary
 * (`SourceName` in `src/sources/source-names.ts`); left open here so output can render reports
 * without importing the sources.
 */
export interface SourceReport<Name extends string = string> {
  name: Name;
  status: SourceStatus;
  /** ISO time the data was fetched from the API (null when nothing was served). */
  fetchedAt: string | null;
  ageSeconds: number | null;
  items: number;
  /** Why the source failed, was skipped, or why stale data was served. Already free of secrets. */
  error: string | null;
  /** Stale data older than the source's max stale age: served, but loudly marked. */
  veryStale?: boolean;
  /** Set when `skipped`: the reason as a code (`error` holds its sentence). Not in the JSON document. */
  skip?: SkipReason;
}

/** What a data command hands to the output layer. Results are already sorted and limited. */
export interface CommandResult<Row, Name extends string = string> {
  command: 'crypto' | 'news' | 'market';
  /** ISO time the run started. */
  generatedAt: string;
  sources: SourceReport<Name>[];
  results: Row[];
  excluded?: Array<{ id: string; reason: string }>;
  /** Extra human lines for stderr (e.g. "12 excluded: stablecoin 5, wrapped 4, low volume 3"). */
  notes: string[];
  /** More top-level members of the JSON document the command states (crypto: `scoreModel`). */
  document?: Readonly<Record<string, unknown>>;
}

/** The sentence for a skip reason, as status lines and JSON `error` show it. */
export function skipReasonText(reason: SkipReason): string {
  switch (reason.kind) {
    case 'missing-key':
      return `${reason.variable} is not set`;
    case 'not-selected':
      return 'not selected (--sources)';
    case 'not-needed':
      return 'not needed: other sources or the cache covered every symbol';
  }
}

/** The report of a source that did not run. */
export function skippedReport<Name extends string>(name: Name, reason: SkipReason): SourceReport<Name> {
  return { name, status: 'skipped', fetchedAt: null, ageSeconds: null, items: 0, error: skipReasonText(reason), skip: reason };
}

/** The report of a source that served nothing; `error` is its one-line, secret-free reason. */
export function failedReport<Name extends string>(name: Name, error: string): SourceReport<Name> {
  return { name, status: 'failed', fetchedAt: null, ageSeconds: null, items: 0, error };
}

/** What a source served, for `servedReport`: `fetchedAtMs` is when its (oldest) data was fetched, null when it served none. */
export interface Served<Name extends string> {
  name: Name;
  status: Exclude<SourceStatus, 'skipped'>;
  fetchedAtMs: number | null;
  items: number;
  error: string | null;
  veryStale: boolean;
}

/** The report of a source that ran, its age measured at `nowMs` (whole seconds, never negative). */
export function servedReport<Name extends string>(served: Served<Name>, nowMs: number): SourceReport<Name> {
  const { name, status, fetchedAtMs, items, error } = served;
  const report: SourceReport<Name> = {
    name,
    status,
    fetchedAt: fetchedAtMs === null ? null : new Date(fetchedAtMs).toISOString(),
    ageSeconds: fetchedAtMs === null ? null : Math.max(0, Math.round((nowMs - fetchedAtMs) / 1000)),
    items,
    error,
  };
  if (served.veryStale) report.veryStale = true;
  return report;
}

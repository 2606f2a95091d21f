/** Rows cut to `--limit`, with the note that says so when any were left out. */
export interface LimitedRows<T> {
  rows: T[];
  /** "showing N of M <noun> (--limit)" when rows were cut; absent otherwise. */
  note?: string;
}

/**
 * Cuts ranked `rows` to the first `limit` (undefined = all), the one place `--limit` is applied
 * for every command so its note reads the same everywhere. `noun` is plural ("coins", "stories").
 */
export function applyLimit<T>(rows: readonly T[], limit: number | undefined, noun: string): LimitedRows<T> {
  if (limit === undefined || rows.length <= limit) return { rows: [...rows] };
  return { rows: rows.slice(0, limit), note: `showing ${limit} of ${rows.length} ${noun} (--limit)` };
}

/** Rows cut to `--limit`, with the note that says so when any were left out. */
export interface LimitedRows<T> {
  rows: T[];
  /** "showing N of M <noun> (--limit)" when rows were cut, "only M <noun> (--limit N)" when fewer exist; absent otherwise. */
  note?: string;
}

/**
 * Cuts ranked `rows` to the first `limit` (undefined = all), the one place `--limit` is applied
 * for every command so its note reads the same everywhere. `noun` is plural ("coins", "stories").
 */
export function applyLimit<T>(rows: readonly T[], limit: number | undefined, noun: string): LimitedRows<T> {
  if (limit === undefined || rows.length === limit) return { rows: [...rows] };
  // Fewer than asked is worth saying too: a short table is not a cut one.
  if (rows.length < limit)
    return { rows: [...rows], ...(rows.length > 0 ? { note: `only ${counted(rows.length, noun)} to show (--limit ${limit})` } : {}) };
  return { rows: rows.slice(0, limit), note: `showing ${limit} of ${rows.length} ${noun} (--limit)` };
}

/** "1 coin", "1 story", "2 coins": the plural `noun` made singular for a count of one. */
function counted(count: number, noun: string): string {
  if (count !== 1) return `${count} ${noun}`;
  return `1 ${noun.endsWith('ies') ? `${noun.slice(0, -3)}y` : noun.replace(/s$/, '')}`;
}

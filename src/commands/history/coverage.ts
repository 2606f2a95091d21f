/**
 * `screen history status`: coverage per source and interval, from the store's listing. `behind`
 * counts series whose next candle has closed by the clock; `gaps` series missing a candle between
 * their first and last; `first`/`last` the earliest and latest open times over all of them.
 */
import type { CandleInterval } from '../../candle.js';
import { INTERVAL_MS } from '../../candle.js';
import type { SeriesListing } from '../../store/history/candle-store.js';
import type { HistorySource } from '../../store/history/series-key.js';

export interface CoverageRow {
  source: HistorySource;
  interval: CandleInterval;
  series: number;
  behind: number;
  gaps: number;
  /** ISO open times, null without candles. */
  first: string | null;
  last: string | null;
}

export function coverageOf(listings: readonly SeriesListing[], nowMs: number): CoverageRow[] {
  const rows = new Map<string, CoverageRow & { firstMs: number; lastMs: number }>();
  for (const listing of listings) {
    // Ledgers (`~days`) are bookkeeping, not series.
    if (listing.key.asset.startsWith('~')) continue;
    const { source, interval } = listing.key;
    const id = `${source}/${interval}`;
    let row = rows.get(id);
    if (!row) {
      row = { source, interval, series: 0, behind: 0, gaps: 0, first: null, last: null, firstMs: Infinity, lastMs: -Infinity };
      rows.set(id, row);
    }
    row.series++;
    if (listing.missing > 0) row.gaps++;
    const next = listing.lastOpen === undefined ? undefined : listing.lastOpen + INTERVAL_MS[interval];
    if (next === undefined || next + INTERVAL_MS[interval] - 1 < nowMs) row.behind++;
    if (listing.firstOpen !== undefined) row.firstMs = Math.min(row.firstMs, listing.firstOpen);
    if (listing.lastOpen !== undefined) row.lastMs = Math.max(row.lastMs, listing.lastOpen);
  }
  return [...rows.values()]
    .sort((a, b) => (a.source === b.source ? (a.interval < b.interval ? -1 : 1) : a.source < b.source ? -1 : 1))
    .map(({ firstMs, lastMs, ...row }) => ({
      ...row,
      first: Number.isFinite(firstMs) ? new Date(firstMs).toISOString() : null,
      last: Number.isFinite(lastMs) ? new Date(lastMs).toISOString() : null,
    }));
}

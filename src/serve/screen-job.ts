import type { CommandResult } from '../report.js';

/** The screens `screen serve` can keep refreshed, in the order the API and the page list them. */
export const SERVE_SCREENS = ['crypto', 'news', 'market'] as const;
export type ServeScreen = (typeof SERVE_SCREENS)[number];

/** What one refresh of a screen produced. */
export interface ScreenRefresh {
  /** The screen's result, as its command's `--json` would print it. */
  result: CommandResult<unknown>;
  /** The monitor's stats at the end of the refresh: the document's `metrics`. */
  metrics: unknown;
}

/**
 * One screen the service keeps refreshed: crypto, market, or news for one query. `refresh` runs
 * the screen through the long-lived run context (sources, cache, breakers, limiters) and never
 * throws for a source's failure; a throw is a failed refresh.
 */
export interface ScreenJob {
  screen: ServeScreen;
  /** News only: the query, as `--news-query` gave it. */
  query?: string;
  /** Time from the start of one refresh to the start of the next, in ms (a slow refresh delays the next). */
  everyMs: number;
  refresh(): Promise<ScreenRefresh>;
}

/** A job's name in logs and events: `crypto`, `market`, `news "bitcoin"`. */
export function jobLabel(job: Pick<ScreenJob, 'screen' | 'query'>): string {
  return job.query === undefined ? job.screen : `${job.screen} ${JSON.stringify(job.query)}`;
}

/** How a news query is matched against `?q=`: spaces folded, case ignored. */
export function queryKey(query: string): string {
  return query.replace(/\s+/g, ' ').trim().toLowerCase();
}

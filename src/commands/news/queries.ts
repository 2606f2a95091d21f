import type { CommandResult, SourceReport, SourceStatus } from '../../report.js';
import type { NewsRow } from '../../screens/news/news-row.js';
import type { SourceName } from '../../sources/source-names.js';
import { DEFAULT_NEWS_OPTIONS, type NewsOptions, runNews } from './run.js';
import type { CommonOptions, Runtime } from '../../runtime/runtime.js';

/** `screen news` with the queries of a watchlist: `queries` wins over `query` when given. */
export interface NewsQueriesOptions extends NewsOptions {
  queries?: readonly string[];
}

/**
 * News for one query, or for several (a `--watchlist` of queries): each is searched on its own,
 * one after the other so a paced source (GDELT, one request per 5.5 s) gives each its own
 * deadline, then the stories are merged: one row per URL (its best score), ranked by score, and
 * cut to `--limit`. Each source's report covers every query: the worst status it had, its items
 * summed, the oldest data it served, and the first error.
 */
export async function runNewsQueries(
  rt: Runtime,
  options: CommonOptions & NewsQueriesOptions,
): Promise<CommandResult<NewsRow, SourceName>> {
  const queries = options.queries && options.queries.length > 0 ? options.queries : [options.query];
  if (queries.length === 1) return runNews(rt, { ...options, query: queries[0]! });
  const results: Array<CommandResult<NewsRow, SourceName>> = [];
  // Every story of each query, so the merge (not each search) decides what --limit keeps.
  for (const query of queries) results.push(await runNews(rt, { ...options, query, limit: Number.MAX_SAFE_INTEGER }));
  const best = new Map<string, NewsRow>();
  for (const row of results.flatMap((result) => result.results)) {
    const seen = best.get(row.url);
    if (!seen || row.score > seen.score) best.set(row.url, row);
  }
  const ranked = [...best.values()].sort(
    (a, b) => b.score - a.score || b.publishedAt.localeCompare(a.publishedAt) || a.url.localeCompare(b.url),
  );
  const limit = options.limit ?? DEFAULT_NEWS_OPTIONS.limit;
  return {
    command: 'news',
    generatedAt: results[0]!.generatedAt,
    sources: results[0]!.sources.map((report, index) =>
      mergeReports(
        results.map((result) => result.sources[index]!),
        report,
      ),
    ),
    results: ranked.slice(0, limit),
    notes: [
      `${queries.length} queries: ${queries.map((query) => `"${query}"`).join(', ')}`,
      ...(ranked.length > limit ? [`${ranked.length - limit} more stories past --limit ${limit}`] : []),
    ],
  };
}

/** Worst first: a source that failed one query and served another is reported as serving, with the error. */
const STATUS_RANK: Record<SourceStatus, number> = { skipped: 0, fresh: 1, cached: 2, stale: 3, failed: 4 };

function mergeReports(reports: readonly SourceReport<SourceName>[], first: SourceReport<SourceName>): SourceReport<SourceName> {
  const served = reports.filter((report) => report.status !== 'failed' && report.status !== 'skipped');
  if (served.length === 0)
    return reports.reduce((worst, report) => (STATUS_RANK[report.status] > STATUS_RANK[worst.status] ? report : worst), first);
  const status = served.reduce((worst, report) => (STATUS_RANK[report.status] > STATUS_RANK[worst.status] ? report : worst)).status;
  const oldest = served.reduce((old, report) => ((report.ageSeconds ?? 0) > (old.ageSeconds ?? 0) ? report : old));
  const merged: SourceReport<SourceName> = {
    name: first.name,
    status,
    fetchedAt: oldest.fetchedAt,
    ageSeconds: oldest.ageSeconds,
    items: served.reduce((sum, report) => sum + report.items, 0),
    error: reports.find((report) => report.error !== null && report.status !== 'skipped')?.error ?? null,
  };
  if (reports.some((report) => report.veryStale)) merged.veryStale = true;
  return merged;
}

import { defineOption } from '../../options/option-record.js';
import { integer, quoteValue, usageError } from '../../options/parse-values.js';
import { newsColumns } from '../../screens/news/columns.js';
import { formatDuration, parseDuration } from '../../screens/news/duration.js';
import { EMPTY_QUERY_MESSAGE } from '../../screens/news/query.js';
import { NEWS_SOURCES } from '../../sources/source-names.js';
import { dataCommand } from '../data/spec.js';
import { DEFAULT_NEWS_OPTIONS } from './run.js';
import { demoNewsNote } from '../../demo/news-topics.js';
import { runNewsQueries } from './queries.js';

/** Longest per-source deadline accepted: ten minutes. */
const MAX_SOURCE_TIMEOUT_MS = 600_000;

/** `--since 24h`: a whole number and a unit, at most a year. */
function duration() {
  return {
    type: 'duration' as const,
    parse: (raw: string, label: string): number => {
      try {
        return parseDuration(raw);
      } catch {
        throw usageError(`${label} expects a duration like 90m, 24h, 2d or 1w (at most 365d), got ${quoteValue(raw)}`);
      }
    },
  };
}

const NEWS_OPTIONS = [
  defineOption({
    key: 'sinceMs',
    flags: '--since <duration>',
    description: 'only stories newer than this: 90m, 24h, 2d, 1w',
    default: DEFAULT_NEWS_OPTIONS.sinceMs,
    defaultLabel: formatDuration(DEFAULT_NEWS_OPTIONS.sinceMs),
    ...duration(),
  }),
  defineOption({
    key: 'newsTimeoutMs',
    flags: '--source-timeout-ms <ms>',
    description: "each source's deadline in ms for its whole fetch, retries included; each attempt also has --timeout-ms",
    env: 'SCREEN_NEWS_TIMEOUT_MS',
    default: DEFAULT_NEWS_OPTIONS.newsTimeoutMs,
    ...integer(1, MAX_SOURCE_TIMEOUT_MS),
  }),
] as const;

/** `screen news <query>`: search five news sources, deduplicated across outlets and ranked. */
export const newsCommand = dataCommand({
  name: 'news',
  sources: NEWS_SOURCES,
  defaultLimit: DEFAULT_NEWS_OPTIONS.limit,
  args: [{ name: '[query...]', description: 'what to search for, e.g. "bitcoin etf"' }],
  options: NEWS_OPTIONS,
  // Every word is the query, so both `news bitcoin etf` and `news "bitcoin etf"` work; a
  // watchlist adds its queries, each searched on its own.
  parse: (values, args, watchlist) => {
    const query = args.join(' ').trim();
    const queries = [...(query ? [query] : []), ...(watchlist?.entries ?? [])];
    if (queries.length === 0) throw usageError(EMPTY_QUERY_MESSAGE);
    return { query: queries[0]!, queries, ...values };
  },
  screen: runNewsQueries,
  alertExample: 'title ~ "etf" and score > 50',
  demoNote: (options) => demoNewsNote(options.queries ?? [options.query]),
  columns: (result, table) => newsColumns(Date.parse(result.generatedAt), table.terminal),
  identity: { labelKey: 'title', id: (row) => row.url, label: (row) => row.title },
  ruleFields: async () => (await import('../../screens/news/rule-fields.js')).NEWS_RULE_FIELDS,
  watchIntervalMs: (options) => options.newsTtlMs ?? DEFAULT_NEWS_OPTIONS.newsTtlMs,
});

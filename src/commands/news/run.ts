import { QahtError } from '../../errors.js';
import type { CommandResult } from '../../report.js';
import { applyLimit } from '../../screens/apply-limit.js';
import { formatDuration } from '../../screens/news/duration.js';
import type { NewsRow } from '../../screens/news/news-row.js';
import { normalizeQuery } from '../../screens/news/query.js';
import { filterRelevant } from '../../screens/news/relevance-filter.js';
import { MAX_ITEMS_PER_SOURCE, screenNews } from '../../screens/news/screen-news.js';
import { fetchFinnhubNews, finnhubNewsRoute, type FinnhubNewsRoute } from '../../sources/finnhub-news.js';
import { fetchGdelt } from '../../sources/gdelt.js';
import { fetchGoogleNews } from '../../sources/google-news.js';
import { fetchHn } from '../../sources/hn.js';
import type { NewsFetchParams, NewsItem } from '../../sources/news/news-item.js';
import { isNewsItemList } from '../../sources/news/news-item-schema.js';
import { formatMs } from '../../output/format-number.js';
import { DOCUMENTED_DELAY_MS } from '../../sources/documented-rates.js';
import { withDeadline } from '../../sources/news/with-deadline.js';
import { fetchNewsApi, NEWSAPI_DAILY_LIMIT } from '../../sources/newsapi.js';
import type { NEWS_SOURCES, SourceName } from '../../sources/source-names.js';
import { runSource, type SourceJob } from '../data/run-source.js';
import type { CommonOptions, Runtime } from '../../runtime/runtime.js';

/** `screen news` options beyond the common ones (the CLI parses flags into these). */
export interface NewsOptions {
  /** `<query>` (positional, required): what to search for; blank → QAHT_ERR_USAGE. */
  query: string;
  /** `--since DURATION` (parse with `parseDuration`): only stories newer than this, ms. @default 24 h */
  sinceMs?: number;
  /**
   * `--source-timeout-ms <ms>` (or `SCREEN_NEWS_TIMEOUT_MS`): each source's overall deadline, ms, counted from the
   * start of the run: its limiter wait, attempts and retries together; each attempt also has `--timeout-ms`. @default 10 000
   */
  newsTimeoutMs?: number;
  /** How long fetched news stays fresh in the cache, ms (`--force-refresh` skips it). @default 5 min */
  newsTtlMs?: number;
}

/** Defaults for `NewsOptions` and `--limit`, in one place. */
export const DEFAULT_NEWS_OPTIONS = {
  sinceMs: 24 * 3600_000,
  newsTimeoutMs: 10_000,
  newsTtlMs: 5 * 60_000,
  /** `--limit N` when not given: rows printed. */
  limit: 30,
  /**
   * Retries per source request after the first attempt. Each attempt may use the whole deadline,
   * so the retry only happens after a quick failure (a reset connection, a 503); after a slow one
   * the deadline ends the fetch first.
   */
  maxRetries: 1,
} as const;

type NewsSourceName = (typeof NEWS_SOURCES)[number];

interface NewsSourceSpec {
  source: NewsSourceName;
  requiresKey: boolean;
  /**
   * Requests a day shared by every run (`rt.budgets`, under the source's name), or undefined when
   * the API has no daily cap. A budgeted source makes no retries: each would be a request uncounted.
   */
  dailyLimit?: number;
  fetch: (params: NewsFetchParams) => Promise<NewsItem[]>;
}

/** The news sources, in report order (as `--json` lists them). */
const NEWS_SOURCE_SPECS: readonly NewsSourceSpec[] = [
  { source: 'google_news', requiresKey: false, fetch: fetchGoogleNews },
  { source: 'hn', requiresKey: false, fetch: fetchHn },
  { source: 'gdelt', requiresKey: false, fetch: fetchGdelt },
  { source: 'newsapi', requiresKey: true, dailyLimit: NEWSAPI_DAILY_LIMIT, fetch: fetchNewsApi },
  { source: 'finnhub', requiresKey: true, fetch: fetchFinnhubNews },
];

/**
 * `screen news <query>`: the five news sources fetched concurrently, each through the cache and
 * under its own deadline (`newsTimeoutMs`), so one slow source never holds the answer past it;
 * then deduplicated across outlets and ranked (src/screens/news). Source failures go into the
 * reports, never thrown. A source with a daily cap (NewsAPI, 100 a day) spends one unit of its
 * budget per request; answers served from the cache spend none.
 * @throws QahtError QAHT_ERR_USAGE for a query that is blank once control characters are removed.
 */
export async function runNews(rt: Runtime, options: CommonOptions & NewsOptions): Promise<CommandResult<NewsRow, SourceName>> {
  const query = normalizeQuery(options.query);
  const sinceMs = options.sinceMs ?? DEFAULT_NEWS_OPTIONS.sinceMs;
  const timeoutMs = options.newsTimeoutMs ?? DEFAULT_NEWS_OPTIONS.newsTimeoutMs;
  const ttlMs = options.newsTtlMs ?? DEFAULT_NEWS_OPTIONS.newsTtlMs;
  const nowMs = rt.clock.now();
  const finnhubRoute = finnhubNewsRoute(query);

  const outcomes = await Promise.all(
    NEWS_SOURCE_SPECS.map((spec) => runSource(rt, options, newsJob(rt, spec, { query, sinceMs, timeoutMs, ttlMs, finnhubRoute, nowMs }))),
  );

  let offTopic = 0;
  const batches: Array<{ source: NewsSourceName; items: readonly NewsItem[] }> = [];
  outcomes.forEach((outcome, index) => {
    const source = NEWS_SOURCE_SPECS[index]!.source;
    if (!outcome.value) return;
    let items: readonly NewsItem[] = outcome.value;
    if (source === 'finnhub' && finnhubRoute.kind === 'crypto') {
      items = filterRelevant(items, query);
      offTopic += outcome.value.length - items.length;
    }
    batches.push({ source, items });
  });

  const screen = screenNews({ query, batches, nowMs, sinceMs });
  const limited = applyLimit(screen.rows, options.limit ?? DEFAULT_NEWS_OPTIONS.limit, 'stories');
  rt.increment('news.stories', screen.rows.length);
  rt.increment('news.duplicates_merged', screen.merged);
  return {
    command: 'news',
    generatedAt: new Date(nowMs).toISOString(),
    sources: outcomes.map((outcome) => outcome.report),
    results: limited.rows,
    notes: [...summaryNotes(screen, sinceMs, offTopic), ...(limited.note ? [limited.note] : [])],
  };
}

interface JobSettings {
  query: string;
  sinceMs: number;
  timeoutMs: number;
  ttlMs: number;
  finnhubRoute: FinnhubNewsRoute;
  /** When the run started: every source's deadline counts from here. */
  nowMs: number;
}

function newsJob(rt: Runtime, spec: NewsSourceSpec, settings: JobSettings): SourceJob<NewsItem[]> {
  return {
    source: spec.source,
    key: cacheKey(spec.source, settings),
    ttlMs: settings.ttlMs,
    requiresKey: spec.requiresKey,
    validate: isNewsItemList,
    count: (items) => items.length,
    fetch: (context) => {
      // Whether any attempt got past the host's pacing: a deadline that passes while the request
      // still waits its turn (GDELT asks for 5 s between requests) is the API's policy, not a timeout.
      let sent = false;
      return withDeadline(
        rt.clock,
        settings.timeoutMs,
        spec.source,
        async (signal) => {
          if (spec.dailyLimit !== undefined) await takeDailyBudget(rt, spec.source, spec.dailyLimit);
          return spec.fetch({
            http: context.http,
            baseUrl: context.baseUrl,
            apiKey: context.apiKey,
            query: settings.query,
            fromMs: context.nowMs - settings.sinceMs,
            nowMs: context.nowMs,
            // Each attempt keeps the run's --timeout-ms; the deadline bounds them all together.
            request: {
              maxRetries: spec.dailyLimit === undefined ? DEFAULT_NEWS_OPTIONS.maxRetries : 0,
              signal,
              onPaced: () => {
                sent = true;
              },
            },
          });
        },
        settings.nowMs,
        (within) => (sent ? undefined : notSentMessage(spec.source, within)),
      );
    },
  };
}

function notSentMessage(source: NewsSourceName, within: string): string {
  const documented = DOCUMENTED_DELAY_MS[source];
  const pace = documented > 0 ? ` (its API asks for ${formatMs(documented)} between requests)` : '';
  return `${source} not asked within ${within}: the request was still waiting for its turn on the host's pacing${pace}`;
}

/**
 * Takes one request from `source`'s daily budget, before the request so one cut short still
 * counts (the API counts it too). With nothing left the source fails without asking.
 * @throws QahtError QAHT_ERR_BUDGET_EXHAUSTED "daily budget of <limit> used".
 */
async function takeDailyBudget(rt: Runtime, source: NewsSourceName, limit: number): Promise<void> {
  const granted = await rt.budgets.consume(source, 1, limit);
  if (granted < 1) throw new QahtError('QAHT_ERR_BUDGET_EXHAUSTED', `daily budget of ${limit} used`);
}

/**
 * Cache key without secrets: the request's identity, query and window. Finnhub's crypto feed
 * ignores both (it is filtered after the cache), so one cached copy serves every query.
 */
function cacheKey(source: NewsSourceName, settings: JobSettings): string {
  const window = new URLSearchParams({ q: settings.query, since: String(settings.sinceMs) });
  switch (source) {
    case 'google_news':
      return `rss/search?${window}`;
    case 'hn':
      return `search_by_date?${window}`;
    case 'gdelt':
      return `api/v2/doc/doc?${window}`;
    case 'newsapi':
      return `v2/everything?${window}`;
    case 'finnhub':
      return settings.finnhubRoute.kind === 'company'
        ? `company-news?symbol=${encodeURIComponent(settings.finnhubRoute.symbol)}&since=${settings.sinceMs}`
        : 'news?category=crypto';
  }
}

function summaryNotes(screen: ReturnType<typeof screenNews>, sinceMs: number, offTopic: number): string[] {
  const dropped = [
    screen.merged > 0 ? `${screen.merged} duplicates merged` : '',
    screen.tooOld > 0 ? `${screen.tooOld} older than ${formatDuration(sinceMs)} dropped` : '',
    screen.undated > 0 ? `${screen.undated} undated dropped` : '',
    screen.overCap > 0 ? `${screen.overCap} over the ${MAX_ITEMS_PER_SOURCE}-per-source cap dropped` : '',
    offTopic > 0 ? `${offTopic} off-topic (finnhub crypto feed) dropped` : '',
  ].filter(Boolean);
  const notes: string[] = [];
  const received = screen.received + offTopic;
  if (received > 0) {
    notes.push(`${received} articles → ${screen.rows.length} stories${dropped.length ? ` (${dropped.join(', ')})` : ''}`);
  }
  return notes;
}

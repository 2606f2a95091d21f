import * as v from 'valibot';
import { QahtError } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { parseDateText } from './news/dates.js';
import type { NewsFetchParams, NewsItem } from './news/news-item.js';
import { shortText } from './shared/text.js';
import { validateResponse } from './shared/validate.js';
import { DAILY_BUDGETS } from './documented-rates.js';

const SOURCE = 'newsapi';

/** Requests a day on NewsAPI's free Developer plan (api-notes §5); a cron every 5 minutes alone would make 288. */
export const NEWSAPI_DAILY_LIMIT = DAILY_BUDGETS.newsapi;

/** Articles per request (NewsAPI allows up to 100; the free plan returns at most 100 per query). */
export const NEWSAPI_PAGE_SIZE = 50;

/** `<base>/v2/everything?q=<q>&sortBy=publishedAt&pageSize=50&language=en&from=<iso>`. The key goes in a header, not the URL. */
export function newsApiUrl(baseUrl: string, query: string, fromMs: number): string {
  const params = new URLSearchParams({
    q: query,
    sortBy: 'publishedAt',
    pageSize: String(NEWSAPI_PAGE_SIZE),
    language: 'en',
    // Second precision: NewsAPI documents ISO 8601 without fractions.
    from: new Date(fromMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  return `${baseUrl}/v2/everything?${params}`;
}

const articleSchema = v.looseObject({
  source: v.nullish(v.looseObject({ name: v.nullish(v.string()) })),
  title: v.nullish(v.string()),
  description: v.nullish(v.string()),
  url: v.nullish(v.string()),
  publishedAt: v.nullish(v.string()),
});

const okSchema = v.looseObject({ status: v.literal('ok'), articles: v.array(articleSchema) });
const errorSchema = v.looseObject({ status: v.literal('error'), code: v.nullish(v.string()), message: v.nullish(v.string()) });
const responseSchema = v.variant('status', [okSchema, errorSchema]);

/** Placeholder NewsAPI leaves where an article was taken down. */
const REMOVED = '[Removed]';

/**
 * NewsAPI `/v2/everything` (needs `NEWSAPI_KEY`, sent as `X-Api-Key`). A `{"status":"error"}` body
 * becomes an error: `rateLimited` → QAHT_ERR_RATE_LIMITED, key problems → QAHT_ERR_HTTP_STATUS 401,
 * anything else → QAHT_ERR_HTTP_STATUS 400 (500 for `unexpectedError`). Removed articles are skipped.
 * The caller takes one request of the daily budget (`NEWSAPI_DAILY_LIMIT`) first.
 */
export async function fetchNewsApi(params: NewsFetchParams): Promise<NewsItem[]> {
  const apiKey = params.apiKey ?? '';
  const url = newsApiUrl(params.baseUrl, params.query, params.fromMs);
  const body = await params.http.fetchJson<unknown>(url, {
    ...params.request,
    // Every call spends one of the day's requests, answered or not: a retry would spend one nobody took.
    maxRetries: 0,
    source: SOURCE,
    headers: { ...params.request?.headers, 'X-Api-Key': apiKey },
    secrets: [...(params.request?.secrets ?? []), apiKey].filter(Boolean),
    classify: (answer) => classifyNewsApiResponse(answer, apiKey),
  });
  const response = validateResponse(SOURCE, responseSchema, body);
  if (response.status === 'error') throw newsApiError(response.code ?? 'unknown', response.message ?? '', apiKey);
  const out: NewsItem[] = [];
  for (const article of response.articles) {
    const title = article.title?.trim();
    const link = article.url?.trim();
    if (!title || !link || title === REMOVED) continue;
    out.push({
      title,
      url: link,
      publisher: article.source?.name?.trim() || null,
      publishedAt: parseDateText(article.publishedAt),
      summary: article.description ?? null,
    });
  }
  return out;
}

/**
 * The check each attempt runs (`RequestOptions.classify`): a `{"status":"error"}` body at HTTP 200
 * is the attempt's failure, `rateLimited` a soft rate limit.
 */
export function classifyNewsApiResponse(response: HttpResponse, apiKey = ''): QahtError | undefined {
  if (!ERROR_STATUS.test(response.text)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(errorSchema, body);
  return parsed.success ? newsApiError(parsed.output.code ?? 'unknown', parsed.output.message ?? '', apiKey) : undefined;
}

/** A cheap look for the error shape before parsing a body that may be 100 KB of articles. */
const ERROR_STATUS = /"status"\s*:\s*"error"/;

function newsApiError(code: string, message: string, apiKey: string): QahtError {
  const text = `newsapi error ${shortText(code, { maxChars: 40 })}: ${shortText(message, { secrets: [apiKey] })}`;
  if (code === 'rateLimited') return new QahtError('QAHT_ERR_RATE_LIMITED', text, { status: 429 });
  if (code.startsWith('apiKey')) return new QahtError('QAHT_ERR_HTTP_STATUS', text, { status: 401 });
  return new QahtError('QAHT_ERR_HTTP_STATUS', text, { status: code === 'unexpectedError' ? 500 : 400 });
}

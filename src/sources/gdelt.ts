import * as v from 'valibot';
import { QahtError } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { parseGdeltDate } from './news/dates.js';
import type { NewsFetchParams, NewsItem } from './news/news-item.js';
import { shortText } from './shared/text.js';
import { unexpectedData, validateResponse } from './shared/validate.js';

const SOURCE = 'gdelt';

/** Articles per request (GDELT allows up to 250). */
export const GDELT_MAX_RECORDS = 75;
/** GDELT's smallest timespan. */
const MIN_TIMESPAN_MINUTES = 15;

/** `<base>/api/v2/doc/doc?query=<q>&mode=artlist&format=json&maxrecords=75&timespan=<span>&sort=DateDesc`. */
export function gdeltUrl(baseUrl: string, query: string, spanMs: number): string {
  const params = new URLSearchParams({
    query,
    mode: 'artlist',
    format: 'json',
    maxrecords: String(GDELT_MAX_RECORDS),
    timespan: gdeltTimespan(spanMs),
    sort: 'DateDesc',
  });
  return `${baseUrl}/api/v2/doc/doc?${params}`;
}

/** A window as GDELT's `timespan`: whole hours as "24h", otherwise minutes ("90min"), at least 15 min. */
export function gdeltTimespan(spanMs: number): string {
  const minutes = Math.max(MIN_TIMESPAN_MINUTES, Math.ceil(spanMs / 60_000));
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}min`;
}

const articleSchema = v.looseObject({
  url: v.string(),
  title: v.nullish(v.string()),
  seendate: v.nullish(v.string()),
  domain: v.nullish(v.string()),
});
/**
 * With no hits GDELT may send `{}` (no `articles` at all); any other object without `articles`
 * (`{"data":{"message":…},"timestamp":…}`) is a changed API, not "no news", so it fails here and
 * a cached answer serves instead.
 */
const responseSchema = v.looseObject({ articles: v.array(articleSchema) });

// Control characters are illegal inside JSON strings; GDELT emits them anyway (gdeltdoc strips them).
// Line breaks and tabs become spaces so the words around them stay apart.
const ILLEGAL_JSON_WHITESPACE = /[\t\n\r]+/g;
const ILLEGAL_JSON_CONTROLS = /[\u0000-\u001f]/g;
const RATE_LIMIT_TEXT = /limit requests|rate limit|too many requests/i;

/**
 * GDELT DOC 2.0 article list (keyless; one request per 5 s by policy). GDELT reports a bad query as
 * HTTP 200 with a text/html sentence, so the body is checked before it is parsed: such a body throws
 * QAHT_ERR_INVALID_DATA quoting the sentence. "Please limit requests…" fails the attempt itself as
 * QAHT_ERR_RATE_LIMITED (see `classifyGdeltResponse`).
 */
export async function fetchGdelt(params: NewsFetchParams): Promise<NewsItem[]> {
  const url = gdeltUrl(params.baseUrl, params.query, params.nowMs - params.fromMs);
  const response = await params.http.request(url, { ...params.request, source: SOURCE, classify: classifyGdeltResponse });
  return parseGdeltBody(response.text, response.headers['content-type']);
}

/** The check each attempt runs (`RequestOptions.classify`): GDELT's plain-text "slow down" at HTTP 200. */
export function classifyGdeltResponse(response: HttpResponse): QahtError | undefined {
  return gdeltSoftLimit(response.text.trim(), response.headers['content-type']);
}

/** A text (not JSON) body asking to slow down: GDELT's rate limit at HTTP 200. */
function gdeltSoftLimit(text: string, contentType: string | undefined): QahtError | undefined {
  const notJson = /html/i.test(contentType ?? '') || !text.startsWith('{');
  if (text === '' || !notJson || !RATE_LIMIT_TEXT.test(text)) return undefined;
  return new QahtError('QAHT_ERR_RATE_LIMITED', `gdelt asked to slow down: ${shortText(text)}`, { status: 429 });
}

/** Parses a GDELT artlist body into items (exported for tests). */
export function parseGdeltBody(body: string, contentType?: string): NewsItem[] {
  const text = body.trim();
  if (text === '') return [];
  if (/html/i.test(contentType ?? '') || !text.startsWith('{')) {
    throw gdeltSoftLimit(text, contentType) ?? unexpectedData(SOURCE, text.replace(/<[^>]*>/g, ' '));
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(ILLEGAL_JSON_WHITESPACE, ' ').replace(ILLEGAL_JSON_CONTROLS, ''));
  } catch (cause) {
    throw unexpectedData(SOURCE, 'malformed JSON', { cause });
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && !('articles' in json)) {
    const keys = Object.keys(json);
    if (keys.length === 0) return [];
    throw unexpectedData(SOURCE, `an object without "articles" (${keys.slice(0, 5).join(', ')})`);
  }
  const { articles } = validateResponse(SOURCE, responseSchema, json);
  const out: NewsItem[] = [];
  for (const article of articles) {
    const title = article.title?.trim();
    const link = article.url.trim();
    if (!title || !link) continue;
    out.push({
      title,
      url: link,
      publisher: article.domain?.trim() || null,
      publishedAt: parseGdeltDate(article.seendate),
      summary: null,
    });
  }
  return out;
}

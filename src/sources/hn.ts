import * as v from 'valibot';
import { parseDateText, parseUnixSeconds } from './news/dates.js';
import type { NewsFetchParams, NewsItem } from './news/news-item.js';
import { validateResponse } from './shared/validate.js';

const SOURCE = 'hn';

/** Stories per request (one page; Algolia's own cap is 1000). */
export const HN_HITS_PER_PAGE = 50;

/** `<base>/search_by_date?query=<q>&tags=story&hitsPerPage=50&numericFilters=created_at_i>SINCE` (SINCE in unix s). */
export function hnUrl(baseUrl: string, query: string, fromMs: number): string {
  const params = new URLSearchParams({
    query,
    tags: 'story',
    hitsPerPage: String(HN_HITS_PER_PAGE),
    numericFilters: `created_at_i>${Math.floor(fromMs / 1000)}`,
  });
  return `${baseUrl}/search_by_date?${params}`;
}

const hitSchema = v.looseObject({
  objectID: v.union([v.string(), v.number()]),
  title: v.nullish(v.string()),
  // Ask HN / text posts have no url.
  url: v.nullish(v.string()),
  created_at: v.nullish(v.string()),
  created_at_i: v.nullish(v.number()),
});

const responseSchema = v.looseObject({ hits: v.array(hitSchema) });

/**
 * Hacker News stories via Algolia (keyless), newest first. A story without a url (Ask HN) links
 * to its discussion page. HN names no outlet, so `publisher` is null.
 */
export async function fetchHn(params: NewsFetchParams): Promise<NewsItem[]> {
  const url = hnUrl(params.baseUrl, params.query, params.fromMs);
  const body = await params.http.fetchJson<unknown>(url, { ...params.request, source: SOURCE });
  const { hits } = validateResponse(SOURCE, responseSchema, body);
  const out: NewsItem[] = [];
  for (const hit of hits) {
    const title = hit.title?.trim();
    if (!title) continue;
    out.push({
      title,
      url: hit.url?.trim() || `https://news.ycombinator.com/item?id=${encodeURIComponent(String(hit.objectID))}`,
      publisher: null,
      publishedAt: parseUnixSeconds(hit.created_at_i) ?? parseDateText(hit.created_at),
      summary: null,
    });
  }
  return out;
}

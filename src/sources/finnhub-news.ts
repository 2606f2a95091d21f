import * as v from 'valibot';
import { isoDay, parseUnixSeconds } from './news/dates.js';
import { classifyFinnhubResponse, finnhubErrorBody, finnhubErrorSchema } from './finnhub-error.js';
import type { NewsFetchParams, NewsItem } from './news/news-item.js';
import { validateResponse } from './shared/validate.js';

const SOURCE = 'finnhub';

/** Which Finnhub feed answers a query. */
export type FinnhubNewsRoute = { kind: 'company'; symbol: string } | { kind: 'crypto' };

/**
 * A query that is one upper-case word of 1–5 letters, as typed, is taken for a stock ticker ("$AAPL"
 * says so explicitly) — except the crypto and market abbreviations people search news for, which
 * the crypto feed answers far better than an empty company feed would.
 */
const TICKER = /^\$?([A-Z]{1,5})$/;
const NOT_TICKERS: ReadonlySet<string> = new Set([
  'BTC',
  'ETH',
  'SOL',
  'XRP',
  'DOGE',
  'ETF',
  'ETFS',
  'SEC',
  'FED',
  'FOMC',
  'AI',
  'USD',
  'USDT',
  'USDC',
  'IPO',
  'CEO',
  'GDP',
  'CPI',
  'PPI',
  'NFT',
  'DEFI',
  'DAO',
  'CBDC',
  'FX',
  'EU',
  'US',
  'UK',
]);

/**
 * A ticker query ("AAPL", "$COIN") reads `/company-news` for that symbol; anything else reads the
 * crypto category feed, which ignores the query and must be filtered for relevance by the caller.
 */
export function finnhubNewsRoute(query: string): FinnhubNewsRoute {
  const trimmed = query.trim();
  const symbol = TICKER.exec(trimmed)?.[1];
  if (symbol && (trimmed.startsWith('$') || !NOT_TICKERS.has(symbol))) return { kind: 'company', symbol };
  return { kind: 'crypto' };
}

/** The request URL, with the key as `token=` (Finnhub's safest form; the client redacts it). */
export function finnhubNewsUrl(baseUrl: string, route: FinnhubNewsRoute, fromMs: number, nowMs: number, apiKey: string): string {
  const params =
    route.kind === 'company'
      ? new URLSearchParams({ symbol: route.symbol, from: isoDay(fromMs), to: isoDay(nowMs), token: apiKey })
      : new URLSearchParams({ category: 'crypto', token: apiKey });
  return `${baseUrl}/${route.kind === 'company' ? 'company-news' : 'news'}?${params}`;
}

const articleSchema = v.looseObject({
  datetime: v.nullish(v.number()),
  headline: v.nullish(v.string()),
  source: v.nullish(v.string()),
  summary: v.nullish(v.string()),
  url: v.nullish(v.string()),
});
const responseSchema = v.union([v.array(articleSchema), finnhubErrorSchema]);

/**
 * Finnhub news (needs `FINNHUB_API_KEY`). A bare array on success; `{"error": "..."}` otherwise,
 * thrown by `finnhubErrorBody` (rate limited, or QAHT_ERR_HTTP_STATUS 401).
 */
export async function fetchFinnhubNews(params: NewsFetchParams): Promise<NewsItem[]> {
  const apiKey = params.apiKey ?? '';
  const url = finnhubNewsUrl(params.baseUrl, finnhubNewsRoute(params.query), params.fromMs, params.nowMs, apiKey);
  const body = await params.http.fetchJson<unknown>(url, {
    ...params.request,
    source: SOURCE,
    secrets: [...(params.request?.secrets ?? []), apiKey].filter(Boolean),
    classify: (response) => classifyFinnhubResponse(response, apiKey),
  });
  const response = validateResponse(SOURCE, responseSchema, body);
  if (!Array.isArray(response)) throw finnhubErrorBody(response.error, apiKey);
  const out: NewsItem[] = [];
  for (const article of response) {
    const title = article.headline?.trim();
    const link = article.url?.trim();
    if (!title || !link) continue;
    out.push({
      title,
      url: link,
      publisher: article.source?.trim() || null,
      publishedAt: parseUnixSeconds(article.datetime),
      summary: article.summary?.trim() || null,
    });
  }
  return out;
}

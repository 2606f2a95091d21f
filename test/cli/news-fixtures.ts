import { readFileSync } from 'node:fs';
import { renderTimeTokens } from '../../src/demo/time-tokens.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { cleanEnv, FAST_ENV } from '../helpers/run-cli.js';
import { rssFeed, RSS_HEADERS } from '../sources/news/fixtures.js';

/**
 * Fixtures for the `screen news` CLI tests: every news source points at one fake server under
 * its own prefix, answering with the demo recordings (real API shapes) or with stories built here.
 */

/** Paths as the fake server sees them (prefix from `newsEnv` + the real API's path). */
export const NEWS_PATHS = {
  google_news: '/gn/rss/search',
  hn: '/hn/search_by_date',
  gdelt: '/gdelt/api/v2/doc/doc',
  newsapi: '/newsapi/v2/everything',
  finnhub: '/finnhub/news',
  finnhubCompany: '/finnhub/company-news',
} as const;

export type NewsSource = 'google_news' | 'hn' | 'gdelt' | 'newsapi' | 'finnhub';
export const NEWS_SOURCE_NAMES: readonly NewsSource[] = ['google_news', 'hn', 'gdelt', 'newsapi', 'finnhub'];

export const TEST_NEWSAPI_KEY = 'test-newsapi-key-0001';
export const TEST_FINNHUB_KEY = 'test-finnhub-key-0002';

/** Environment for a CLI run: fast settings, a temp cache, every news source on the fake. */
export function newsEnv(api: FakeApi, cacheDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    ...FAST_ENV,
    SCREEN_CACHE_DIR: cacheDir,
    SCREEN_GOOGLE_NEWS_URL: `${api.url}/gn`,
    SCREEN_HN_URL: `${api.url}/hn`,
    SCREEN_GDELT_URL: `${api.url}/gdelt`,
    SCREEN_NEWSAPI_URL: `${api.url}/newsapi`,
    SCREEN_FINNHUB_URL: `${api.url}/finnhub`,
    NEWSAPI_KEY: TEST_NEWSAPI_KEY,
    FINNHUB_API_KEY: TEST_FINNHUB_KEY,
    ...extra,
  });
}

const RECORDINGS = new URL('../../src/demo/recordings/news/', import.meta.url);

/** A demo recording with its time tokens rendered against the current time. */
export function recording(file: string): string {
  return renderTimeTokens(readFileSync(new URL(file, RECORDINGS), 'utf8'), Date.now());
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/**
 * Serves the demo recordings ("bitcoin etf" feeds as each API really shapes them) on every news
 * route, rendered per request so their times are always recent.
 */
export function routeRecordings(api: FakeApi): void {
  const routes: Array<[string, string, Record<string, string>]> = [
    [NEWS_PATHS.google_news, 'google-news.xml', RSS_HEADERS],
    [NEWS_PATHS.hn, 'hn.json', JSON_HEADERS],
    [NEWS_PATHS.gdelt, 'gdelt.json', JSON_HEADERS],
    [NEWS_PATHS.newsapi, 'newsapi.json', JSON_HEADERS],
    [NEWS_PATHS.finnhub, 'finnhub-crypto.json', JSON_HEADERS],
    [NEWS_PATHS.finnhubCompany, 'finnhub-company.json', JSON_HEADERS],
  ];
  for (const [path, file, headers] of routes) {
    api.route('GET', path, (_req, _url, ctx) => ctx.text(recording(file), { headers }));
  }
}

/** One headline as a test wants it served; `agoS` is its age in seconds at request time. */
export interface Story {
  title: string;
  url: string;
  publisher: string;
  agoS: number;
}

/** Each source's body for `stories`, shaped as the real API answers (see api-notes.md). */
export const BODIES: Record<NewsSource, (stories: readonly Story[], nowMs: number) => { body: string; headers: Record<string, string> }> = {
  google_news: (stories, nowMs) => ({
    body: rssFeed(
      stories.map((s) => ({
        title: `${s.title} - ${s.publisher}`,
        link: s.url,
        pubDate: new Date(nowMs - s.agoS * 1000).toUTCString(),
        source: s.publisher,
      })),
    ),
    headers: RSS_HEADERS,
  }),
  hn: (stories, nowMs) => ({
    body: JSON.stringify({
      hits: stories.map((s, i) => {
        const at = nowMs - s.agoS * 1000;
        return {
          created_at: new Date(at).toISOString(),
          title: s.title,
          url: s.url,
          author: `user${i}`,
          points: 10 + i,
          created_at_i: Math.floor(at / 1000),
          objectID: String(46_300_000 + i),
        };
      }),
      nbHits: stories.length,
      page: 0,
      hitsPerPage: 50,
    }),
    headers: JSON_HEADERS,
  }),
  gdelt: (stories, nowMs) => ({
    body: JSON.stringify({
      articles: stories.map((s) => {
        const iso = new Date(nowMs - s.agoS * 1000).toISOString();
        return {
          url: s.url,
          url_mobile: '',
          title: s.title,
          seendate: `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
          socialimage: '',
          domain: s.publisher,
          language: 'English',
          sourcecountry: 'United States',
        };
      }),
    }),
    headers: JSON_HEADERS,
  }),
  newsapi: (stories, nowMs) => ({
    body: JSON.stringify({
      status: 'ok',
      totalResults: stories.length,
      articles: stories.map((s) => ({
        source: { id: null, name: s.publisher },
        author: 'Staff',
        title: s.title,
        description: `${s.title}.`,
        url: s.url,
        urlToImage: null,
        publishedAt: `${new Date(nowMs - s.agoS * 1000).toISOString().slice(0, 19)}Z`,
        content: null,
      })),
    }),
    headers: JSON_HEADERS,
  }),
  finnhub: (stories, nowMs) => ({
    body: JSON.stringify(
      stories.map((s, i) => ({
        category: 'crypto',
        datetime: Math.floor((nowMs - s.agoS * 1000) / 1000),
        headline: s.title,
        id: 7_500_000 + i,
        image: '',
        related: '',
        source: s.publisher,
        summary: s.title,
        url: s.url,
      })),
    ),
    headers: JSON_HEADERS,
  }),
};

/**
 * Serves `stories[source]` on each source's route (a source left out answers with an empty,
 * well-formed result), rendered per request against the current time.
 */
export function routeStories(api: FakeApi, stories: Partial<Record<NewsSource, readonly Story[]>>): void {
  for (const source of NEWS_SOURCE_NAMES) {
    const path = NEWS_PATHS[source];
    api.route('GET', path, (_req, _url, ctx) => {
      const { body, headers } = BODIES[source](stories[source] ?? [], Date.now());
      ctx.text(body, { headers });
    });
  }
}

/** The `--json` document of a news run (the parts these tests read). */
export interface NewsJson {
  command: string;
  sources: Array<{ name: string; status: string; items: number; error: string | null; fetchedAt: string | null }>;
  results: Array<{ title: string; url: string; source: string; publishedAt: string; sources: string[]; score: number }>;
}

export function parseNewsJson(stdout: string): NewsJson {
  return JSON.parse(stdout) as NewsJson;
}

/** `{ google_news: 'fresh', ... }` from a JSON document, for one readable assertion. */
export function statusBySource(doc: NewsJson): Record<string, string> {
  return Object.fromEntries(doc.sources.map((s) => [s.name, s.status]));
}

export { ageCacheEntries } from '../helpers/cache-files.js';

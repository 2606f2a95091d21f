import type { StubHttp } from '../../helpers/fake-runtime.js';
import type { NewsFetchParams } from '../../../src/sources/news/news-item.js';

/** 2026-11-29T10:00:00Z, the ManualClock's default start. */
export const NOW_MS = Date.UTC(2026, 10, 29, 10, 0, 0);
export const HOUR_MS = 3600_000;

export function fetchParams(http: StubHttp, overrides: Partial<NewsFetchParams> = {}): NewsFetchParams {
  return {
    http,
    baseUrl: 'http://127.0.0.1:9/src',
    query: 'bitcoin etf',
    fromMs: NOW_MS - 24 * HOUR_MS,
    nowMs: NOW_MS,
    ...overrides,
  };
}

export interface RssItem {
  title: string;
  link: string;
  pubDate: string;
  source?: string;
  sourceUrl?: string;
  cdata?: boolean;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Google News RSS search feed, laid out as Google sends it. */
export function rssFeed(items: RssItem[]): string {
  const body = items
    .map((item) => {
      const title = item.cdata ? `<![CDATA[${item.title}]]>` : xmlEscape(item.title);
      const source = item.source ? `<source url="${item.sourceUrl ?? 'https://www.example.com'}">${xmlEscape(item.source)}</source>` : '';
      return (
        `<item><title>${title}</title><link>${xmlEscape(item.link)}</link>` +
        `<guid isPermaLink="false">${xmlEscape(item.link.slice(-12))}</guid><pubDate>${item.pubDate}</pubDate>` +
        `<description>&lt;a href="${xmlEscape(item.link)}" target="_blank"&gt;${xmlEscape(item.title)}&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;${xmlEscape(item.source ?? '')}&lt;/font&gt;</description>` +
        `${source}</item>`
      );
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">' +
    '<channel><generator>NFE/5.0</generator><title>"bitcoin etf" - Google News</title><link>https://news.google.com/search?q=bitcoin+etf</link>' +
    `<language>en-US</language><webMaster>news-webmaster@google.com</webMaster><copyright>2026 Google LLC</copyright><lastBuildDate>Sun, 29 Nov 2026 10:00:00 GMT</lastBuildDate><description>Google News</description>${body}</channel></rss>`
  );
}

export const RSS_HEADERS = { 'content-type': 'application/xml; charset=utf-8' };

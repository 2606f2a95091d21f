import { describe, expect, it } from 'vitest';
import { coverage, rankStories, recency, relevance } from '../../../src/screens/news/rank.js';
import { screenNews } from '../../../src/screens/news/screen-news.js';
import type { NewsStory } from '../../../src/screens/news/story.js';
import { tokenize } from '../../../src/screens/news/tokens.js';
import type { NewsItem } from '../../../src/sources/news/news-item.js';

const NOW = Date.UTC(2026, 10, 29, 10);
const HOUR = 3600_000;

function story(
  title: string,
  hoursAgo: number,
  sources: NewsStory['sources'],
  url = `https://x.example/${encodeURIComponent(title)}`,
): NewsStory {
  return { title, url, publisher: null, publishedMs: NOW - hoursAgo * HOUR, sources, titleTokens: tokenize(title) };
}

describe('score parts', () => {
  it('relevance: token share plus a phrase bonus', () => {
    const query = tokenize('bitcoin etf');
    expect(relevance(query, tokenize('Bitcoin ETF inflows'))).toBe(1);
    expect(relevance(query, tokenize('ETF for bitcoin inflows'))).toBeCloseTo(0.8);
    expect(relevance(query, tokenize('Bitcoin falls'))).toBeCloseTo(0.4);
    expect(relevance(query, tokenize('Gold rallies'))).toBe(0);
    expect(relevance(tokenize('the'), tokenize('Gold rallies'))).toBe(1);
  });
  it('recency halves every half-life; coverage grows to four sources', () => {
    expect(recency(0, 6 * HOUR)).toBe(1);
    expect(recency(6 * HOUR, 6 * HOUR)).toBe(0.5);
    expect(recency(-HOUR, 6 * HOUR)).toBe(1);
    expect([1, 2, 3, 4, 5].map(coverage)).toEqual([0, 1 / 3, 2 / 3, 1, 1]);
  });
});

describe('rankStories', () => {
  it('scores 50·relevance + 30·recency + 20·coverage, rounded to one decimal', () => {
    const [ranked] = rankStories([story('Bitcoin ETF inflows', 6, ['google_news', 'hn'])], {
      queryTokens: tokenize('bitcoin etf'),
      nowMs: NOW,
    });
    expect(ranked!.score).toBe(Math.round((50 + 15 + 20 / 3) * 10) / 10);
  });

  it('orders by score, then newest, then url, deterministically', () => {
    const stories = [
      story('Gold rallies', 1, ['gdelt'], 'https://b.example'),
      story('Bitcoin ETF inflows', 2, ['google_news', 'newsapi', 'finnhub']),
      story('Bitcoin ETF outflows', 2, ['hn']),
      story('Gold rallies', 1, ['gdelt'], 'https://a.example'),
      story('Bitcoin ETF news', 0, ['hn']),
    ];
    const options = { queryTokens: tokenize('bitcoin etf'), nowMs: NOW };
    const ranked = rankStories(stories, options).map((s) => s.url);
    expect(rankStories([...stories].reverse(), options).map((s) => s.url)).toEqual(ranked);
    expect(ranked.slice(0, 2)).toEqual([stories[1]!.url, stories[4]!.url]);
    // Equal scores and times fall back to url order.
    expect(ranked.slice(-2)).toEqual(['https://a.example', 'https://b.example']);
  });
});

describe('screenNews', () => {
  const item = (title: string, hoursAgo: number | null, url: string): NewsItem => ({
    title,
    url,
    publisher: null,
    publishedAt: hoursAgo === null ? null : new Date(NOW - hoursAgo * HOUR).toISOString(),
    summary: null,
  });

  it('drops items older than the window and undated items, counting them', () => {
    const out = screenNews({
      query: 'bitcoin',
      nowMs: NOW,
      sinceMs: 24 * HOUR,
      batches: [
        {
          source: 'hn',
          items: [item('Bitcoin up', 1, 'https://a/1'), item('Bitcoin down', 25, 'https://a/2'), item('Bitcoin flat', null, 'https://a/3')],
        },
        { source: 'gdelt', items: [item('Bitcoin sideways', 23.9, 'https://a/4'), item('Future bitcoin', -1, 'https://a/5')] },
      ],
    });
    expect(out.rows.map((r) => r.title).sort()).toEqual(['Bitcoin sideways', 'Bitcoin up', 'Future bitcoin']);
    expect(out).toMatchObject({ received: 5, tooOld: 1, undated: 1, merged: 0 });
    const row = out.rows.find((r) => r.title === 'Bitcoin up')!;
    expect(row).toEqual({
      title: 'Bitcoin up',
      url: 'https://a/1',
      source: 'hn',
      publishedAt: new Date(NOW - HOUR).toISOString(),
      sources: ['hn'],
      score: row.score,
    });
  });

  it('narrows with a shorter --since window', () => {
    const batches = [{ source: 'hn' as const, items: [item('Bitcoin up', 1, 'https://a/1'), item('Bitcoin down', 3, 'https://a/2')] }];
    expect(screenNews({ query: 'bitcoin', nowMs: NOW, sinceMs: 2 * HOUR, batches }).rows.map((r) => r.title)).toEqual(['Bitcoin up']);
  });
});

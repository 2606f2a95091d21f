import { describe, expect, it } from 'vitest';
import { mergeStories } from '../../../src/screens/news/dedupe.js';
import { toCandidate, type NewsCandidate } from '../../../src/screens/news/story.js';
import type { NewsItem } from '../../../src/sources/news/news-item.js';
import type { SourceName } from '../../../src/sources/source-names.js';

function candidate(source: SourceName, item: Partial<NewsItem> & { title: string; url: string }): NewsCandidate {
  const result = toCandidate(source, { publisher: null, publishedAt: '2026-11-29T08:00:00.000Z', summary: null, ...item });
  if (!result) throw new Error('undated');
  return result;
}

describe('mergeStories', () => {
  it('merges one story carried by three sources (URL path and title path)', () => {
    const stories = mergeStories([
      candidate('google_news', {
        title: 'Spot bitcoin ETFs pull in record $1.2 billion in a day',
        url: 'https://news.google.com/rss/articles/CBMiAAA?oc=5',
        publisher: 'Reuters',
        publishedAt: '2026-11-29T08:35:00.000Z',
      }),
      candidate('newsapi', {
        title: 'Spot Bitcoin ETFs pull in record $1.2 billion in a day',
        url: 'https://www.reuters.com/markets/spot-bitcoin-etfs-record/?utm_source=newsapi&utm_medium=api',
        publisher: 'Reuters',
        publishedAt: '2026-11-29T08:31:00.000Z',
      }),
      // Different headline, same article by URL (tracking params and www differ).
      candidate('hn', {
        title: 'Bitcoin funds just had their biggest day',
        url: 'https://reuters.com/markets/spot-bitcoin-etfs-record#comments',
        publishedAt: '2026-11-29T09:00:00.000Z',
      }),
      candidate('gdelt', { title: 'Ether slips as traders rotate', url: 'https://example.com/ether', publisher: 'example.com' }),
    ]);
    expect(stories).toHaveLength(2);
    const merged = stories.find((story) => story.sources.length > 1)!;
    expect(merged.sources).toEqual(['google_news', 'hn', 'newsapi']);
    // The publisher's URL wins over the Google redirect, tracking stripped.
    expect(merged.url).toBe('https://www.reuters.com/markets/spot-bitcoin-etfs-record/');
    expect(merged.publisher).toBe('Reuters');
    expect(merged.title).toBe('Spot Bitcoin ETFs pull in record $1.2 billion in a day');
    expect(merged.publishedMs).toBe(Date.parse('2026-11-29T08:31:00.000Z'));
  });

  it('merges Google News redirects with publisher copies by title alone', () => {
    const stories = mergeStories([
      candidate('google_news', {
        title: 'BlackRock bitcoin ETF tops $100 billion',
        url: 'https://news.google.com/rss/articles/X?oc=5',
        publisher: 'Bloomberg',
      }),
      candidate('finnhub', {
        title: 'BlackRock Bitcoin ETF Tops $100 Billion',
        url: 'https://www.bloomberg.com/news/articles/x',
        publisher: 'Bloomberg',
      }),
      candidate('gdelt', {
        title: 'BlackRock bitcoin ETF tops $100 billion in assets',
        url: 'https://www.bloomberg.com/news/articles/x?cmpid=abc',
        publisher: 'bloomberg.com',
      }),
    ]);
    expect(stories).toHaveLength(1);
    expect(stories[0]!.sources).toEqual(['google_news', 'gdelt', 'finnhub']);
    expect(stories[0]!.url).toBe('https://www.bloomberg.com/news/articles/x');
  });

  it('takes the outlet from another copy when the representative names none', () => {
    const stories = mergeStories([
      candidate('hn', { title: 'Ethereum ETF staking approved by SEC', url: 'https://www.coindesk.com/policy/eth-staking' }),
      candidate('google_news', {
        title: 'Ethereum ETF staking approved by SEC',
        url: 'https://news.google.com/rss/articles/Y',
        publisher: 'CoinDesk',
      }),
    ]);
    expect(stories).toHaveLength(1);
    expect(stories[0]!.url).toBe('https://www.coindesk.com/policy/eth-staking');
    expect(stories[0]!.publisher).toBe('CoinDesk');
  });

  it('gives the same stories whatever order the sources answered in', () => {
    const items = [
      candidate('google_news', { title: 'Bitcoin ETF inflows hit a record high', url: 'https://news.google.com/a', publisher: 'CNBC' }),
      candidate('newsapi', { title: 'Bitcoin ETF inflows hit a record high', url: 'https://www.cnbc.com/a', publisher: 'CNBC' }),
      candidate('hn', { title: 'Show HN: A bitcoin ETF tracker', url: 'https://etf.dev' }),
      candidate('gdelt', { title: 'Bitcoin ETF inflows hit record high today', url: 'https://cnbc.com/a/', publisher: 'cnbc.com' }),
    ];
    const forward = mergeStories(items);
    const backward = mergeStories([...items].reverse());
    expect(backward).toEqual(forward);
  });
});

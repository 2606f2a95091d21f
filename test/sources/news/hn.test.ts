import { describe, expect, it } from 'vitest';
import { fetchHn } from '../../../src/sources/hn.js';
import { isQahtError } from '../../../src/errors.js';
import { StubHttp } from '../../helpers/fake-runtime.js';
import { fetchParams, HOUR_MS, NOW_MS } from './fixtures.js';

const BODY = JSON.stringify({
  hits: [
    {
      objectID: '46123456',
      title: 'SEC approves spot bitcoin ETF options',
      url: 'https://www.reuters.com/markets/sec-approves-options/?utm_source=hn',
      author: 'alice',
      points: 312,
      num_comments: 88,
      story_text: null,
      comment_text: null,
      story_id: null,
      created_at: '2026-11-29T08:00:00Z',
      created_at_i: Date.UTC(2026, 10, 29, 8) / 1000,
      _tags: ['story', 'author_alice', 'story_46123456'],
    },
    {
      objectID: '46123999',
      title: 'Ask HN: Is anyone using bitcoin ETFs in a 401k?',
      url: null,
      author: 'bob',
      points: 5,
      story_text: '<p>Curious</p>',
      created_at: '2026-11-29T09:30:00Z',
      created_at_i: Date.UTC(2026, 10, 29, 9, 30) / 1000,
      _tags: ['story', 'ask_hn'],
    },
    { objectID: '46124000', title: null, url: 'https://x', created_at: '2026-11-29T09:00:00Z', created_at_i: 1, _tags: ['story'] },
  ],
  nbHits: 3,
  page: 0,
  nbPages: 1,
  hitsPerPage: 50,
  query: 'bitcoin etf',
  processingTimeMS: 3,
});

describe('fetchHn', () => {
  it('builds the search_by_date URL with the window as created_at_i', async () => {
    const http = new StubHttp([{ match: () => true, body: BODY }]);
    await fetchHn(fetchParams(http, { query: 'bitcoin "spot etf" & ünï', fromMs: NOW_MS - 24 * HOUR_MS }));
    const url = http.calls[0]!;
    expect(url.pathname).toBe('/src/search_by_date');
    expect(url.searchParams.get('query')).toBe('bitcoin "spot etf" & ünï');
    expect(url.searchParams.get('tags')).toBe('story');
    expect(url.searchParams.get('hitsPerPage')).toBe('50');
    expect(url.searchParams.get('numericFilters')).toBe(`created_at_i>${(NOW_MS - 24 * HOUR_MS) / 1000}`);
  });

  it('maps hits; a story with no url links to its HN page; untitled hits are skipped', async () => {
    const http = new StubHttp([{ match: () => true, body: BODY }]);
    expect(await fetchHn(fetchParams(http))).toEqual([
      {
        title: 'SEC approves spot bitcoin ETF options',
        url: 'https://www.reuters.com/markets/sec-approves-options/?utm_source=hn',
        publisher: null,
        publishedAt: '2026-11-29T08:00:00.000Z',
        summary: null,
      },
      {
        title: 'Ask HN: Is anyone using bitcoin ETFs in a 401k?',
        url: 'https://news.ycombinator.com/item?id=46123999',
        publisher: null,
        publishedAt: '2026-11-29T09:30:00.000Z',
        summary: null,
      },
    ]);
  });

  it('rejects a changed shape as unexpected data', async () => {
    const http = new StubHttp([{ match: () => true, body: '{"results":[]}' }]);
    const error = await fetchHn(fetchParams(http)).catch((e: unknown) => e);
    expect(isQahtError(error) && error.code).toBe('QAHT_ERR_INVALID_DATA');
    expect((error as Error).message).toMatch(/^hn returned unexpected data: hits/);
  });
});

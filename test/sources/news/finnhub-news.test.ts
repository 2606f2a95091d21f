import { describe, expect, it } from 'vitest';
import { fetchFinnhubNews, finnhubNewsRoute } from '../../../src/sources/finnhub-news.js';
import { isQahtError } from '../../../src/errors.js';
import { StubHttp } from '../../helpers/fake-runtime.js';
import { fetchParams, HOUR_MS, NOW_MS } from './fixtures.js';

const KEY = 'fh-secret-key-456';
const NEWS = JSON.stringify([
  {
    category: 'crypto',
    datetime: Date.UTC(2026, 10, 29, 8, 45) / 1000,
    headline: 'Bitcoin ETFs see record inflows',
    id: 7412345,
    image: 'https://img/i.jpg',
    related: '',
    source: 'CoinDesk',
    summary: 'Spot bitcoin exchange-traded funds took in...',
    url: 'https://www.coindesk.com/markets/etf-inflows/',
  },
  {
    category: 'crypto',
    datetime: Date.UTC(2026, 10, 29, 7) / 1000,
    headline: 'ETH staking grows',
    id: 7412301,
    image: '',
    related: '',
    source: 'The Block',
    summary: '',
    url: 'https://www.theblock.co/post/1',
  },
]);

describe('finnhubNewsRoute', () => {
  it('reads an upper-case 1–5 letter query as a ticker, anything else as the crypto feed', () => {
    expect(finnhubNewsRoute('AAPL')).toEqual({ kind: 'company', symbol: 'AAPL' });
    expect(finnhubNewsRoute('  COIN ')).toEqual({ kind: 'company', symbol: 'COIN' });
    expect(finnhubNewsRoute('aapl')).toEqual({ kind: 'crypto' });
    expect(finnhubNewsRoute('GOOGLE')).toEqual({ kind: 'crypto' });
    expect(finnhubNewsRoute('bitcoin etf')).toEqual({ kind: 'crypto' });
    expect(finnhubNewsRoute('BTC ETF')).toEqual({ kind: 'crypto' });
  });

  it('keeps crypto and market abbreviations on the crypto feed unless written as $TICKER', () => {
    for (const word of ['BTC', 'ETF', 'SEC', 'FED', 'AI']) expect(finnhubNewsRoute(word)).toEqual({ kind: 'crypto' });
    expect(finnhubNewsRoute('$AI')).toEqual({ kind: 'company', symbol: 'AI' });
    expect(finnhubNewsRoute('$COIN')).toEqual({ kind: 'company', symbol: 'COIN' });
  });
});

describe('fetchFinnhubNews', () => {
  it('reads /news?category=crypto for a non-ticker query, key as token', async () => {
    const http = new StubHttp([{ match: (u) => u.pathname.endsWith('/news'), body: NEWS }]);
    const items = await fetchFinnhubNews(fetchParams(http, { apiKey: KEY }));
    expect(Object.fromEntries(http.calls[0]!.searchParams)).toEqual({ category: 'crypto', token: KEY });
    expect(items[0]).toEqual({
      title: 'Bitcoin ETFs see record inflows',
      url: 'https://www.coindesk.com/markets/etf-inflows/',
      publisher: 'CoinDesk',
      publishedAt: '2026-11-29T08:45:00.000Z',
      summary: 'Spot bitcoin exchange-traded funds took in...',
    });
    expect(items[1]!.summary).toBeNull();
  });

  it('reads /company-news with from/to days for a ticker query', async () => {
    const http = new StubHttp([{ match: (u) => u.pathname.endsWith('/company-news'), body: NEWS }]);
    await fetchFinnhubNews(fetchParams(http, { apiKey: KEY, query: 'COIN', fromMs: NOW_MS - 48 * HOUR_MS }));
    expect(http.calls[0]!.pathname).toBe('/src/company-news');
    expect(Object.fromEntries(http.calls[0]!.searchParams)).toEqual({ symbol: 'COIN', from: '2026-11-27', to: '2026-11-29', token: KEY });
  });

  it('turns an {"error"} body into an error without the key', async () => {
    const http = new StubHttp([
      { match: () => true, body: JSON.stringify({ error: 'API limit reached. Please try again later. Remaining Limit: 0' }) },
    ]);
    const error = await fetchFinnhubNews(fetchParams(http, { apiKey: KEY })).catch((e: unknown) => e);
    expect(isQahtError(error) && error.code).toBe('QAHT_ERR_RATE_LIMITED');
    const invalid = new StubHttp([{ match: () => true, body: JSON.stringify({ error: `Invalid API key ${KEY}` }) }]);
    const error2 = await fetchFinnhubNews(fetchParams(invalid, { apiKey: KEY })).catch((e: unknown) => e);
    expect(error2).toMatchObject({
      code: 'QAHT_ERR_HTTP_STATUS',
      status: 401,
      message: expect.stringMatching(/^finnhub rejected the request: Invalid API key /),
    });
    expect((error2 as Error).message).not.toContain(KEY);
  });

  it('rejects a changed shape (datetime as a string)', async () => {
    const http = new StubHttp([{ match: () => true, body: JSON.stringify([{ datetime: '1727800000', headline: 'x', url: 'https://x' }]) }]);
    await expect(fetchFinnhubNews(fetchParams(http, { apiKey: KEY }))).rejects.toThrow(/^finnhub returned unexpected data/);
  });
});

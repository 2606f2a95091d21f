import { describe, expect, it } from 'vitest';
import { fetchNewsApi } from '../../../src/sources/newsapi.js';
import { isQahtError } from '../../../src/errors.js';
import type { RequestOptions } from '../../../src/http/types.js';
import { StubHttp } from '../../helpers/fake-runtime.js';
import { fetchParams, HOUR_MS, NOW_MS } from './fixtures.js';

const KEY = 'na-secret-key-123';
const OK = JSON.stringify({
  status: 'ok',
  totalResults: 3,
  articles: [
    {
      source: { id: 'reuters', name: 'Reuters' },
      author: 'Jane Doe',
      title: 'Spot bitcoin ETFs pull in $1.2 billion',
      description: 'Short summary.',
      url: 'https://www.reuters.com/markets/x?utm_source=newsapi',
      urlToImage: 'https://img/a.jpg',
      publishedAt: '2026-11-29T08:31:00Z',
      content: 'First chars… [+3120 chars]',
    },
    {
      source: { id: null, name: 'Example.com' },
      author: null,
      title: 'Ether slips',
      description: null,
      url: 'https://example.com/e',
      urlToImage: null,
      publishedAt: '2026-11-29T07:00:00Z',
      content: null,
    },
    {
      source: { id: null, name: '[Removed]' },
      author: null,
      title: '[Removed]',
      description: '[Removed]',
      url: 'https://removed.com',
      urlToImage: null,
      publishedAt: '1970-01-01T00:00:00Z',
      content: '[Removed]',
    },
  ],
});

class RecordingHttp extends StubHttp {
  readonly options: Array<RequestOptions | undefined> = [];
  override async fetchText(url: string, options?: RequestOptions): Promise<string> {
    this.options.push(options);
    return super.fetchText(url, options);
  }
}

describe('fetchNewsApi', () => {
  it('sends the key as X-Api-Key (never in the URL) and lists it as a secret', async () => {
    const http = new RecordingHttp([{ match: () => true, body: OK }]);
    await fetchNewsApi(fetchParams(http, { apiKey: KEY, query: 'bitcoin & "etf" ü', fromMs: NOW_MS - 24 * HOUR_MS }));
    const url = http.calls[0]!;
    expect(url.pathname).toBe('/src/v2/everything');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      q: 'bitcoin & "etf" ü',
      sortBy: 'publishedAt',
      pageSize: '50',
      language: 'en',
      from: '2026-11-28T10:00:00Z',
    });
    expect(url.href).not.toContain(KEY);
    expect(http.options[0]!.headers).toEqual({ 'X-Api-Key': KEY });
    expect(http.options[0]!.secrets).toEqual([KEY]);
  });

  it('maps articles and skips removed ones', async () => {
    const http = new StubHttp([{ match: () => true, body: OK }]);
    expect(await fetchNewsApi(fetchParams(http, { apiKey: KEY }))).toEqual([
      {
        title: 'Spot bitcoin ETFs pull in $1.2 billion',
        url: 'https://www.reuters.com/markets/x?utm_source=newsapi',
        publisher: 'Reuters',
        publishedAt: '2026-11-29T08:31:00.000Z',
        summary: 'Short summary.',
      },
      {
        title: 'Ether slips',
        url: 'https://example.com/e',
        publisher: 'Example.com',
        publishedAt: '2026-11-29T07:00:00.000Z',
        summary: null,
      },
    ]);
  });

  it.each([
    ['rateLimited', 'You have made too many requests recently.', 'QAHT_ERR_RATE_LIMITED', 429],
    ['apiKeyInvalid', `Your API key ${KEY} is invalid or incorrect.`, 'QAHT_ERR_HTTP_STATUS', 401],
    ['parameterInvalid', 'You are trying to request results too far in the past.', 'QAHT_ERR_HTTP_STATUS', 400],
  ])('turns an error body (%s) into %s without leaking the key', async (code, message, qahtCode, status) => {
    const http = new StubHttp([{ match: () => true, body: JSON.stringify({ status: 'error', code, message }) }]);
    const error = await fetchNewsApi(fetchParams(http, { apiKey: KEY })).catch((e: unknown) => e);
    expect(isQahtError(error) && error.code).toBe(qahtCode);
    expect(isQahtError(error) && error.status).toBe(status);
    expect((error as Error).message).toMatch(new RegExp(`^newsapi error ${code}: `));
    expect((error as Error).message).not.toContain(KEY);
  });

  it('rejects a changed shape', async () => {
    const http = new StubHttp([{ match: () => true, body: '{"status":"ok","articles":"none"}' }]);
    await expect(fetchNewsApi(fetchParams(http, { apiKey: KEY }))).rejects.toThrow(/^newsapi returned unexpected data/);
  });
});

import { describe, expect, it } from 'vitest';
import { fetchFinnhubQuote, finnhubQuoteUrl, parseFinnhubQuote } from '../../../src/sources/finnhub-quote.js';
import { StubHttp } from '../../helpers/fake-runtime.js';

const AAPL = { c: 182.63, d: 1.85, dp: 1.0239, h: 183.12, l: 180.97, o: 181.05, pc: 180.78, t: 1704067200 };

describe('finnhub /quote', () => {
  it('builds the URL with the symbol and token in the query', () => {
    const url = new URL(finnhubQuoteUrl('https://finnhub.io/api/v1', 'BRK.B', 'k&y'));
    expect(url.pathname).toBe('/api/v1/quote');
    expect(url.searchParams.get('symbol')).toBe('BRK.B');
    expect(url.searchParams.get('token')).toBe('k&y');
  });

  it('maps a quote: price, change % against the previous close, no volume or name', async () => {
    const http = new StubHttp([{ match: (u) => u.pathname.endsWith('/quote'), body: JSON.stringify(AAPL) }]);
    const outcome = await fetchFinnhubQuote(http, { baseUrl: 'https://finnhub.io/api/v1', apiKey: 'KEY', symbol: 'AAPL' });
    expect(outcome).toEqual({
      kind: 'quote',
      quote: {
        symbol: 'AAPL',
        name: null,
        price: 182.63,
        changePct: 1.0239,
        changeBasis: 'previous-close',
        volume: null,
        source: 'finnhub',
      },
    });
    expect(http.calls[0]?.searchParams.get('token')).toBe('KEY');
  });

  it('treats zeros and nulls (c == 0) as an unknown symbol, not an error', () => {
    const zeros = { c: 0, d: null, dp: null, h: 0, l: 0, o: 0, pc: 0, t: 0 };
    expect(parseFinnhubQuote('NOPE', zeros)).toEqual({ kind: 'unknown', symbol: 'NOPE', source: 'finnhub' });
    expect(parseFinnhubQuote('NOPE', { ...zeros, c: null })).toMatchObject({ kind: 'unknown' });
  });

  it('computes the change from the previous close when dp is missing', () => {
    const outcome = parseFinnhubQuote('X', { ...AAPL, c: 110, pc: 100, dp: null });
    expect(outcome.kind === 'quote' && outcome.quote.changePct).toBe(10);
  });

  it('rejects a changed shape as unexpected data, never NaN', () => {
    expect(() => parseFinnhubQuote('AAPL', { ...AAPL, c: '182.63' })).toThrow(/finnhub returned unexpected data: c/);
    expect(() => parseFinnhubQuote('AAPL', [AAPL])).toThrow(expect.objectContaining({ code: 'QAHT_ERR_INVALID_DATA' }));
    expect(() => parseFinnhubQuote('AAPL', {})).toThrow(/finnhub returned unexpected data: c/);
  });

  it('reports an error body as the news adapter does: a limit message is a rate limit, anything else a 401', () => {
    expect(() => parseFinnhubQuote('AAPL', { error: 'API limit reached. Please try again later. Remaining Limit: 0' })).toThrow(
      expect.objectContaining({
        code: 'QAHT_ERR_RATE_LIMITED',
        status: 429,
        message: 'finnhub rate limited: API limit reached. Please try again later. Remaining Limit: 0',
      }),
    );
    expect(() => parseFinnhubQuote('AAPL', { error: "You don't have access to this resource." })).toThrow(
      expect.objectContaining({
        code: 'QAHT_ERR_HTTP_STATUS',
        status: 401,
        message: "finnhub rejected the request: You don't have access to this resource.",
      }),
    );
  });

  it('redacts the key from a quoted error body', async () => {
    const key = 'fh-quote-secret-789';
    const http = new StubHttp([{ match: () => true, body: JSON.stringify({ error: `Invalid API key ${key}` }) }]);
    const error = await fetchFinnhubQuote(http, { baseUrl: 'https://finnhub.io/api/v1', apiKey: key, symbol: 'AAPL' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'QAHT_ERR_HTTP_STATUS',
      status: 401,
      message: expect.stringMatching(/^finnhub rejected the request: Invalid API key /),
    });
    expect((error as Error).message).not.toContain(key);
  });

  it('passes HTTP failures through (429 is the classified rate limit)', async () => {
    const http = new StubHttp([{ match: () => true, status: 429, body: 'API limit reached' }]);
    await expect(fetchFinnhubQuote(http, { baseUrl: 'https://finnhub.io/api/v1', apiKey: 'K', symbol: 'AAPL' })).rejects.toMatchObject({
      code: 'QAHT_ERR_RATE_LIMITED',
    });
  });
});

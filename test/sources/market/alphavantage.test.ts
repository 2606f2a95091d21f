import { describe, expect, it } from 'vitest';
import { alphaVantageQuoteUrl, fetchAlphaVantageQuote, parseAlphaVantageQuote } from '../../../src/sources/alphavantage.js';
import { StubHttp } from '../../helpers/fake-runtime.js';

const IBM = {
  'Global Quote': {
    '01. symbol': 'IBM',
    '02. open': '150.00',
    '03. high': '151.20',
    '04. low': '149.10',
    '05. price': '150.90',
    '06. volume': '3200000',
    '07. latest trading day': '2026-10-01',
    '08. previous close': '149.90',
    '09. change': '1.0000',
    '10. change percent': '0.6671%',
  },
};

describe('alphavantage GLOBAL_QUOTE', () => {
  it('builds the URL', () => {
    const url = new URL(alphaVantageQuoteUrl('https://www.alphavantage.co', 'IBM', 'KEY'));
    expect(url.pathname).toBe('/query');
    expect(Object.fromEntries(url.searchParams)).toEqual({ function: 'GLOBAL_QUOTE', symbol: 'IBM', apikey: 'KEY' });
  });

  it('parses the all-string values into numbers', async () => {
    const http = new StubHttp([{ match: () => true, body: JSON.stringify(IBM) }]);
    const outcome = await fetchAlphaVantageQuote(http, { baseUrl: 'https://www.alphavantage.co', apiKey: 'KEY', symbol: 'IBM' });
    expect(outcome).toEqual({
      kind: 'quote',
      quote: {
        symbol: 'IBM',
        name: null,
        price: 150.9,
        changePct: 0.6671,
        changeBasis: 'previous-close',
        volume: 3200000,
        source: 'alphavantage',
      },
    });
  });

  it('accepts the "Global Quote - DATA DELAYED" key', () => {
    const outcome = parseAlphaVantageQuote('IBM', { 'Global Quote - DATA DELAYED': IBM['Global Quote'] });
    expect(outcome.kind === 'quote' && outcome.quote.price).toBe(150.9);
  });

  it('treats an empty Global Quote as an unknown symbol', () => {
    expect(parseAlphaVantageQuote('NOPE', { 'Global Quote': {} })).toEqual({ kind: 'unknown', symbol: 'NOPE', source: 'alphavantage' });
  });

  it('treats "Information" at HTTP 200 as a rate limit, without quoting the key', () => {
    const body = {
      Information:
        'We have detected your API key as SECRETKEY and our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans.',
    };
    let error: unknown;
    try {
      parseAlphaVantageQuote('IBM', body, 'SECRETKEY');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED', message: 'alphavantage rate limited: daily limit reached' });
    expect(String((error as Error).message)).not.toContain('SECRETKEY');
  });

  it('treats the older "Note" at HTTP 200 as a rate limit too', () => {
    const body = {
      Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day.',
    };
    expect(() => parseAlphaVantageQuote('IBM', body)).toThrow(expect.objectContaining({ code: 'QAHT_ERR_RATE_LIMITED' }));
  });

  it('treats "Error Message" as an error, with the key scrubbed', () => {
    const body = { 'Error Message': 'the parameter apikey is invalid or missing: SECRETKEY. Please claim your free API key' };
    expect(() => parseAlphaVantageQuote('IBM', body, 'SECRETKEY')).toThrow(
      expect.objectContaining({ code: 'QAHT_ERR_INVALID_DATA', message: expect.not.stringContaining('SECRETKEY') }),
    );
  });

  it('rejects a body with neither quote nor message, and a non-numeric price', () => {
    expect(() => parseAlphaVantageQuote('IBM', { something: 'else' })).toThrow(/unexpected data/);
    expect(() => parseAlphaVantageQuote('IBM', { 'Global Quote': { '05. price': 'abc' } })).toThrow(/not a number/);
    expect(() => parseAlphaVantageQuote('IBM', { 'Global Quote': { '05. price': 150.9 } })).toThrow(/unexpected data/);
  });
});

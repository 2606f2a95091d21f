import { describe, expect, it } from 'vitest';
import { fetchStooqQuotes, parseStooqCsv, stooqQuotesUrl, toStooqSymbol } from '../../../src/sources/stooq.js';
import { StubHttp } from '../../helpers/fake-runtime.js';

const CSV = [
  'Symbol,Date,Time,Open,High,Low,Close,Volume,Name',
  'AAPL.US,2026-05-26,22:00:05,270,275,269,272.5,40000000,APPLE',
  'MSFT.US,2026-05-26,22:00:05,500,505,495,495,21000000,"MICROSOFT, CORP"',
  'NOPE.US,N/D,N/D,N/D,N/D,N/D,N/D,N/D,NOPE.US',
  'KO.US,2026-05-26,22:00:05,70,71,69,70.7,9000000,COCA-COLA',
].join('\r\n');

describe('stooq CSV quotes', () => {
  it('spells US tickers with .us, class shares with a dash, indices bare', () => {
    expect(toStooqSymbol('AAPL')).toBe('aapl.us');
    expect(toStooqSymbol('BRK.B')).toBe('brk-b.us');
    expect(toStooqSymbol('SPY.US')).toBe('spy.us');
    expect(toStooqSymbol('^SPX')).toBe('^spx');
  });

  it('batches symbols in one documented-form URL', () => {
    const url = stooqQuotesUrl('https://stooq.com', ['AAPL', 'MSFT', '^SPX'], 'K');
    expect(url).toBe('https://stooq.com/q/l/?s=aapl.us,msft.us,%5Espx&f=sd2t2ohlcvn&h&e=csv&apikey=K');
  });

  it('maps the rows asked for: change since open, volume, name; N/D and absent rows are unknown', async () => {
    const http = new StubHttp([{ match: (u) => u.pathname === '/q/l/', body: CSV, headers: { 'content-type': 'text/csv' } }]);
    const outcomes = await fetchStooqQuotes(http, { baseUrl: 'https://stooq.com', apiKey: 'K', symbols: ['AAPL', 'MSFT', 'NOPE', 'GONE'] });
    expect([...outcomes.keys()]).toEqual(['AAPL', 'MSFT', 'NOPE', 'GONE']);
    expect(outcomes.get('AAPL')).toEqual({
      kind: 'quote',
      quote: { symbol: 'AAPL', name: 'APPLE', price: 272.5, changePct: 0.9259, changeBasis: 'open', volume: 40000000, source: 'stooq' },
    });
    expect(outcomes.get('MSFT')).toMatchObject({ kind: 'quote', quote: { name: 'MICROSOFT, CORP', changePct: -1 } });
    expect(outcomes.get('NOPE')).toEqual({ kind: 'unknown', symbol: 'NOPE', source: 'stooq' });
    expect(outcomes.get('GONE')).toEqual({ kind: 'unknown', symbol: 'GONE', source: 'stooq' });
    // KO is in the CSV but was not asked for: ignored.
    expect(outcomes.has('KO')).toBe(false);
  });

  it('treats an HTML page at HTTP 200 as blocked', async () => {
    const page = '<!DOCTYPE html><html><body>Please solve the challenge</body></html>';
    const http = new StubHttp([{ match: () => true, body: page, headers: { 'content-type': 'text/html; charset=utf-8' } }]);
    await expect(fetchStooqQuotes(http, { baseUrl: 'https://stooq.com', apiKey: 'K', symbols: ['AAPL'] })).rejects.toMatchObject({
      code: 'QAHT_ERR_INVALID_DATA',
      message: expect.stringContaining('blocked (HTML page'),
    });
    // Even when the server claims CSV, a body starting with markup is a block page.
    expect(() => parseStooqCsv(page, 'text/csv', ['AAPL'])).toThrow(/blocked/);
  });

  it('rejects a body whose first line is not the CSV header; a hits-limit text is a rate limit', () => {
    expect(() => parseStooqCsv('Date,Open\n2026-05-26,1', 'text/csv', ['AAPL'])).toThrow(/not a quote CSV/);
    expect(() => parseStooqCsv('Exceeded the daily hits limit', 'text/plain', ['AAPL'])).toThrow(
      expect.objectContaining({ code: 'QAHT_ERR_RATE_LIMITED' }),
    );
  });

  // Issue 13 item 4: a header without rows would mark every symbol unknown and replace good quotes.
  it('rejects a CSV without rows instead of reading every symbol as unknown', () => {
    expect(() => parseStooqCsv('Symbol,Date,Time,Open,High,Low,Close,Volume,Name\n', 'text/csv', ['AAPL', 'MSFT'])).toThrow(
      'stooq returned unexpected data: a quote CSV without rows',
    );
  });

  it('gives a null change when the open is unknown, never NaN', () => {
    const outcomes = parseStooqCsv('Symbol,Date,Time,Open,High,Low,Close,Volume\nAAPL.US,2026-05-26,22:00:05,N/D,1,1,5,', 'text/csv', [
      'AAPL',
    ]);
    expect(outcomes.get('AAPL')).toMatchObject({ kind: 'quote', quote: { price: 5, changePct: null, volume: null, name: null } });
  });
});

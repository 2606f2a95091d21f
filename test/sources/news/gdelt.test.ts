import { describe, expect, it } from 'vitest';
import { fetchGdelt, gdeltTimespan, parseGdeltBody } from '../../../src/sources/gdelt.js';
import { isQahtError } from '../../../src/errors.js';
import { StubHttp } from '../../helpers/fake-runtime.js';
import { fetchParams, HOUR_MS, NOW_MS } from './fixtures.js';

const ARTICLES = {
  articles: [
    {
      url: 'https://www.coindesk.com/markets/2026/11/29/bitcoin-etf-inflows/',
      url_mobile: '',
      title: 'Bitcoin ETF inflows hit a record',
      seendate: '20261129T083000Z',
      socialimage: 'https://www.coindesk.com/img.jpg',
      domain: 'coindesk.com',
      language: 'English',
      sourcecountry: 'United States',
    },
    {
      url: 'https://www.semana.com/a',
      url_mobile: 'https://www.semana.com/amp/a',
      title: 'Bitcoin sube tras la aprobación',
      seendate: '20261129T030000Z',
      domain: 'semana.com',
      language: 'Spanish',
      sourcecountry: 'Colombia',
    },
  ],
};

describe('fetchGdelt', () => {
  it('builds the artlist URL with the window as timespan', async () => {
    const http = new StubHttp([{ match: () => true, body: JSON.stringify(ARTICLES) }]);
    await fetchGdelt(fetchParams(http, { query: '"spot etf" & bitcoin ü', fromMs: NOW_MS - 24 * HOUR_MS }));
    const url = http.calls[0]!;
    expect(url.pathname).toBe('/src/api/v2/doc/doc');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      query: '"spot etf" & bitcoin ü',
      mode: 'artlist',
      format: 'json',
      maxrecords: '75',
      timespan: '24h',
      sort: 'DateDesc',
    });
  });

  it('maps articles: seendate → ISO, domain as the outlet', async () => {
    const http = new StubHttp([{ match: () => true, body: JSON.stringify(ARTICLES) }]);
    const items = await fetchGdelt(fetchParams(http));
    expect(items[0]).toEqual({
      title: 'Bitcoin ETF inflows hit a record',
      url: 'https://www.coindesk.com/markets/2026/11/29/bitcoin-etf-inflows/',
      publisher: 'coindesk.com',
      publishedAt: '2026-11-29T08:30:00.000Z',
      summary: null,
    });
    expect(items[1]!.publishedAt).toBe('2026-11-29T03:00:00.000Z');
  });

  it('treats a body without articles as no hits', () => {
    expect(parseGdeltBody('{}', 'application/json')).toEqual([]);
    expect(parseGdeltBody('', 'application/json')).toEqual([]);
  });

  it('strips illegal control characters before parsing', () => {
    const body = `{"articles":[{"url":"https://a.example/x","title":"Bitcoin\u0001 ETF\u0008 line\nbreak\ttab","seendate":"20261129T083000Z","domain":"a.example"}]}`;
    expect(() => JSON.parse(body)).toThrow();
    expect(parseGdeltBody(body, 'application/json; charset=utf-8')[0]!.title).toBe('Bitcoin ETF line break tab');
  });

  it('keeps escaped escape sequences in titles raw (sanitised at output)', () => {
    const body = JSON.stringify({ articles: [{ url: 'https://a.example/x', title: 'Hi \u001b[2J there', seendate: '20261129T083000Z' }] });
    expect(body).toContain('\\u001b');
    expect(parseGdeltBody(body, 'application/json')[0]!.title).toBe('Hi \u001b[2J there');
  });

  it('fails on an HTML/text error sentence at HTTP 200, quoting it', async () => {
    const http = new StubHttp([
      { match: () => true, body: 'The specified phrase is too short.\n', headers: { 'content-type': 'text/html; charset=utf-8' } },
    ]);
    const error = await fetchGdelt(fetchParams(http)).catch((e: unknown) => e);
    expect(isQahtError(error) && error.code).toBe('QAHT_ERR_INVALID_DATA');
    expect((error as Error).message).toBe('gdelt returned unexpected data: The specified phrase is too short.');
  });

  it('recognises HTML even when labelled JSON (first character check)', () => {
    expect(() => parseGdeltBody('<html><body>Error</body></html>', 'application/json')).toThrow(/gdelt returned unexpected data: Error/);
  });

  it('reads a "limit requests" sentence as a rate limit', () => {
    const error = (() => {
      try {
        parseGdeltBody('Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com for larger queries.', 'text/html');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isQahtError(error) && error.code).toBe('QAHT_ERR_RATE_LIMITED');
  });

  it('rejects a changed shape', () => {
    expect(() => parseGdeltBody('{"articles":{"url":"x"}}', 'application/json')).toThrow(/gdelt returned unexpected data: articles/);
  });

  // Issue 13 item 4: an object that is not an article list is a failure, never "no news".
  it.each([
    ['a data object with a message', '{"data":{"message":"This API version is retired"},"timestamp":1}', 'data, timestamp'],
    ['an error object', '{"error":"query too short"}', 'error'],
  ])('rejects %s instead of reading it as no hits', (_label, body, keys) => {
    expect(() => parseGdeltBody(body, 'application/json')).toThrow(
      `gdelt returned unexpected data: an object without "articles" (${keys})`,
    );
  });
});

describe('gdeltTimespan', () => {
  it('uses hours for whole hours and minutes otherwise, at least 15 minutes', () => {
    expect(gdeltTimespan(24 * HOUR_MS)).toBe('24h');
    expect(gdeltTimespan(90 * 60_000)).toBe('90min');
    expect(gdeltTimespan(60_000)).toBe('15min');
    expect(gdeltTimespan(7 * 24 * HOUR_MS)).toBe('168h');
  });
});

import { describe, expect, it } from 'vitest';
import { fetchGoogleNews, googleNewsUrl, parseGoogleNewsRss, splitTitle } from '../../../src/sources/google-news.js';
import { isQahtError } from '../../../src/errors.js';
import { StubHttp } from '../../helpers/fake-runtime.js';
import { fetchParams, RSS_HEADERS, rssFeed } from './fixtures.js';

const TWO_ITEMS = rssFeed([
  {
    title: 'Spot bitcoin ETFs pull in $1.2 billion as inflows hit record - Reuters',
    link: 'https://news.google.com/rss/articles/CBMiAAA?oc=5',
    pubDate: 'Sun, 29 Nov 2026 08:30:00 GMT',
    source: 'Reuters',
    sourceUrl: 'https://www.reuters.com',
  },
  {
    title: 'BlackRock & Fidelity lead "record" ETF week - CoinDesk',
    link: 'https://news.google.com/rss/articles/CBMiBBB?oc=5',
    pubDate: 'Sun, 29 Nov 2026 07:00:00 GMT',
    source: 'CoinDesk',
    cdata: true,
  },
]);

describe('googleNewsUrl', () => {
  it('encodes quotes, unicode and & with the three locale params', () => {
    const url = new URL(googleNewsUrl('http://h/base', 'bitcoin "spot etf" & ether ünïcødé €'));
    expect(url.pathname).toBe('/base/rss/search');
    expect(url.searchParams.get('q')).toBe('bitcoin "spot etf" & ether ünïcødé €');
    expect(url.searchParams.get('hl')).toBe('en-US');
    expect(url.searchParams.get('gl')).toBe('US');
    expect(url.searchParams.get('ceid')).toBe('US:en');
    expect(url.search).toContain('%22spot+etf%22+%26+ether');
    expect([...url.searchParams.keys()]).toEqual(['q', 'hl', 'gl', 'ceid']);
  });
});

describe('fetchGoogleNews', () => {
  it('maps the real RSS shape: suffix stripped, publisher from <source>, RFC-822 → ISO', async () => {
    const http = new StubHttp([{ match: (u) => u.pathname.endsWith('/rss/search'), body: TWO_ITEMS, headers: RSS_HEADERS }]);
    const items = await fetchGoogleNews(fetchParams(http));
    expect(items).toEqual([
      {
        title: 'Spot bitcoin ETFs pull in $1.2 billion as inflows hit record',
        url: 'https://news.google.com/rss/articles/CBMiAAA?oc=5',
        publisher: 'Reuters',
        publishedAt: '2026-11-29T08:30:00.000Z',
        summary: null,
      },
      {
        title: 'BlackRock & Fidelity lead "record" ETF week',
        url: 'https://news.google.com/rss/articles/CBMiBBB?oc=5',
        publisher: 'CoinDesk',
        publishedAt: '2026-11-29T07:00:00.000Z',
        summary: null,
      },
    ]);
    expect(http.calls[0]!.searchParams.get('q')).toBe('bitcoin etf');
  });

  it('reads a feed with a single item (an object, not an array) and decodes entities', () => {
    const body = rssFeed([
      {
        title: 'It\u2019s &quot;ETF day&quot; - AP News',
        link: 'https://news.google.com/rss/articles/CBMiCCC?oc=5',
        pubDate: 'Sun, 29 Nov 2026 09:00:00 GMT',
        source: 'AP News',
      },
    ]).replace('&amp;quot;ETF day&amp;quot;', '&quot;ETF day&quot; &#38; more');
    const items = parseGoogleNewsRss(body, RSS_HEADERS['content-type']);
    expect(items).toHaveLength(1);
    expect(items[0]!.title).toBe('It\u2019s "ETF day" & more');
    expect(items[0]!.publisher).toBe('AP News');
  });

  it('reads an empty channel as no items', () => {
    expect(parseGoogleNewsRss(rssFeed([]))).toEqual([]);
    expect(parseGoogleNewsRss('<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>')).toEqual([]);
  });

  it('gives a null date, not a guess, for an unreadable pubDate', () => {
    const body = rssFeed([{ title: 'X - Y', link: 'https://news.google.com/a', pubDate: 'yesterday-ish', source: 'Y' }]);
    expect(parseGoogleNewsRss(body)[0]!.publishedAt).toBeNull();
  });

  it.each([
    [
      'an HTML block page',
      '<!DOCTYPE html><html><head><title>Sorry</title></head><body><p>unusual traffic<br></body></html>',
      'text/html; charset=UTF-8',
    ],
    ['HTML served as XML', '<html><body><p>Our systems have detected unusual traffic</p></body></html>', 'application/xml'],
    ['malformed XML', '<?xml version="1.0"?><rss><channel><item><title>cut off</item></channel></rss>', 'application/xml'],
    [
      'a truncated feed',
      rssFeed([{ title: 'A - B', link: 'https://x/a', pubDate: 'Sun, 29 Nov 2026 09:00:00 GMT' }]).slice(0, 300),
      'application/xml',
    ],
    ['JSON', '{"error":"nope"}', 'application/json'],
    // Issue 13 item 4: a channel that is neither a feed's (no title) nor has items is not "no news".
    [
      'a channel that is no search feed',
      '<?xml version="1.0"?><rss version="2.0"><channel><error>retired</error></channel></rss>',
      'application/xml',
    ],
    ['an empty body', '', 'application/xml'],
  ])('fails with "google_news returned unexpected data" on %s', async (_label, body, contentType) => {
    const http = new StubHttp([{ match: () => true, body, headers: { 'content-type': contentType } }]);
    const error = await fetchGoogleNews(fetchParams(http)).catch((e: unknown) => e);
    expect(isQahtError(error) && error.code).toBe('QAHT_ERR_INVALID_DATA');
    expect((error as Error).message).toMatch(/^google_news returned unexpected data: /);
  });

  it('keeps a headline with escape sequences raw (the output layer sanitises)', () => {
    const title = 'Bitcoin \u001b[31mRED\u001b[0m \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 ETF';
    const body = rssFeed([
      {
        title: `${title} - Evil`,
        link: 'https://news.google.com/e',
        pubDate: 'Sun, 29 Nov 2026 09:00:00 GMT',
        source: 'Evil',
        cdata: true,
      },
    ]);
    expect(parseGoogleNewsRss(body)[0]!.title).toBe(title);
  });
});

describe('splitTitle', () => {
  it('removes only the exact publisher suffix when the publisher is known', () => {
    expect(splitTitle('Bitcoin - a retrospective - Reuters', 'Reuters')).toEqual({
      title: 'Bitcoin - a retrospective',
      suffixPublisher: null,
    });
    expect(splitTitle('Bitcoin - a retrospective', 'Reuters')).toEqual({ title: 'Bitcoin - a retrospective', suffixPublisher: null });
  });
  it('takes a short last segment as the publisher when <source> is missing', () => {
    expect(splitTitle('Ether slips - The Block', null)).toEqual({ title: 'Ether slips', suffixPublisher: 'The Block' });
    expect(splitTitle('Ether slips - and this is not a publisher name at all', null).suffixPublisher).toBeNull();
  });
});

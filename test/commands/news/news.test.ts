import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NEWS_OPTIONS, runNews } from '../../../src/commands/news/run.js';
import type { LookupOptions } from '../../../src/store/cache-types.js';
import { renderTimeTokens } from '../../../src/demo/time-tokens.js';
import { newsColumns } from '../../../src/screens/news/columns.js';
import { isQahtError } from '../../../src/errors.js';
import type { HttpGetter, HttpResponse, RequestOptions } from '../../../src/http/types.js';
import { commonOptions, createFakeRuntime, StubHttp, type StubReply } from '../../helpers/fake-runtime.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { rssFeed, RSS_HEADERS } from '../../sources/news/fixtures.js';

const NOW = Date.UTC(2026, 10, 29, 10);
const MIN = 60_000;
const HOUR = 3600_000;
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString();
const unix = (msAgo: number): number => Math.floor((NOW - msAgo) / 1000);
const rfc822 = (msAgo: number): string => new Date(NOW - msAgo).toUTCString();

const ENV_URLS = {
  SCREEN_GOOGLE_NEWS_URL: 'http://google.test',
  SCREEN_HN_URL: 'http://hn.test/api/v1',
  SCREEN_GDELT_URL: 'http://gdelt.test',
  SCREEN_NEWSAPI_URL: 'http://newsapi.test',
  SCREEN_FINNHUB_URL: 'http://finnhub.test/api/v1',
};
const KEYS = { NEWSAPI_KEY: 'newsapi-secret-1', FINNHUB_API_KEY: 'finnhub-secret-2' };
const ESC_TITLE = 'Bitcoin ETF \u001b[31mflash\u001b[0m crash \u001b]8;;https://evil.example\u0007rumour\u001b]8;;\u0007 denied';

// The Reuters story is in google_news (redirect link), newsapi (utm params) and gdelt (canonical URL).
const BODIES = {
  google_news: rssFeed([
    {
      title: 'Spot bitcoin ETFs pull in $1.2 billion in a single day - Reuters',
      link: 'https://news.google.com/rss/articles/CBMiAAA?oc=5',
      pubDate: rfc822(50 * MIN),
      source: 'Reuters',
    },
    {
      title: `${ESC_TITLE} - Evil Wire`,
      link: 'https://news.google.com/rss/articles/CBMiEVL?oc=5',
      pubDate: rfc822(20 * MIN),
      source: 'Evil Wire',
      cdata: true,
    },
    {
      title: 'Bitcoin ETF fee war heats up - Forbes',
      link: 'https://news.google.com/rss/articles/CBMiFEE?oc=5',
      pubDate: rfc822(3 * HOUR),
      source: 'Forbes',
    },
  ]),
  hn: JSON.stringify({
    hits: [
      {
        objectID: '1',
        title: 'Show HN: Bitcoin ETF flow tracker',
        url: 'https://etf.dev/',
        created_at: iso(HOUR),
        created_at_i: unix(HOUR),
        _tags: ['story'],
      },
      {
        objectID: '2',
        title: 'Ask HN: Bitcoin ETFs in an IRA?',
        url: null,
        created_at: iso(30 * HOUR),
        created_at_i: unix(30 * HOUR),
        _tags: ['story'],
      },
    ],
    nbHits: 2,
  }),
  gdelt: JSON.stringify({
    articles: [
      {
        url: 'https://www.reuters.com/markets/us/spot-bitcoin-etfs-record/',
        url_mobile: '',
        title: 'Spot Bitcoin ETFs Pull In $1.2 Billion In A Single Day',
        seendate: gdeltDate(45 * MIN),
        domain: 'reuters.com',
        language: 'English',
        sourcecountry: 'United Kingdom',
      },
    ],
  }),
  newsapi: JSON.stringify({
    status: 'ok',
    totalResults: 2,
    articles: [
      {
        source: { id: 'reuters', name: 'Reuters' },
        author: null,
        title: 'Spot bitcoin ETFs pull in $1.2 billion in a single day',
        description: 'Record.',
        url: 'https://www.reuters.com/markets/us/spot-bitcoin-etfs-record/?utm_source=newsapi&utm_medium=api',
        urlToImage: null,
        publishedAt: iso(55 * MIN),
        content: null,
      },
      {
        source: { id: null, name: 'CNBC' },
        author: null,
        title: 'Bitcoin slips as ETF outflows resume',
        description: null,
        url: 'https://www.cnbc.com/btc-slips',
        urlToImage: null,
        publishedAt: iso(2 * HOUR),
        content: null,
      },
    ],
  }),
  finnhub: JSON.stringify([
    {
      category: 'crypto',
      datetime: unix(40 * MIN),
      headline: 'Bitcoin ETFs see record day',
      id: 1,
      image: '',
      related: '',
      source: 'CoinDesk',
      summary: 'Spot funds...',
      url: 'https://www.coindesk.com/etf-record',
    },
    {
      category: 'crypto',
      datetime: unix(2 * HOUR),
      headline: 'Ether staking grows',
      id: 2,
      image: '',
      related: '',
      source: 'The Block',
      summary: 'Staking...',
      url: 'https://www.theblock.co/staking',
    },
  ]),
};

function gdeltDate(msAgo: number): string {
  return new Date(NOW - msAgo)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function replies(overrides: Partial<Record<keyof typeof BODIES, Partial<StubReply>>> = {}): StubReply[] {
  const hosts: Record<keyof typeof BODIES, string> = {
    google_news: 'google.test',
    hn: 'hn.test',
    gdelt: 'gdelt.test',
    newsapi: 'newsapi.test',
    finnhub: 'finnhub.test',
  };
  return (Object.keys(hosts) as Array<keyof typeof BODIES>).map((source) => ({
    match: (url: URL) => url.host === hosts[source],
    body: BODIES[source],
    ...(source === 'google_news' ? { headers: RSS_HEADERS } : {}),
    ...overrides[source],
  }));
}

function setup(options: { http?: HttpGetter; env?: Record<string, string>; clock?: ManualClock } = {}) {
  const http = options.http ?? new StubHttp(replies());
  const clock = options.clock ?? new ManualClock(NOW);
  const rt = createFakeRuntime({ http, clock, env: options.env ?? { ...ENV_URLS, ...KEYS } });
  const keys: string[] = [];
  const lookup = rt.cache.lookup.bind(rt.cache);
  rt.cache.lookup = <T>(request: LookupOptions<T>) => {
    keys.push(request.key);
    return lookup(request);
  };
  return { rt, http, clock, keys };
}

describe('runNews', () => {
  it('with every source up: merges the story carried by three sources and ranks it first', async () => {
    const { rt } = setup();
    const result = await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    expect(result.command).toBe('news');
    expect(result.generatedAt).toBe(new Date(NOW).toISOString());
    expect(result.sources.map((s) => [s.name, s.status, s.items, s.error])).toEqual([
      ['google_news', 'fresh', 3, null],
      ['hn', 'fresh', 2, null],
      ['gdelt', 'fresh', 1, null],
      ['newsapi', 'fresh', 2, null],
      ['finnhub', 'fresh', 2, null],
    ]);
    const top = result.results[0]!;
    expect(top).toEqual({
      title: 'Spot bitcoin ETFs pull in $1.2 billion in a single day',
      url: 'https://www.reuters.com/markets/us/spot-bitcoin-etfs-record/',
      source: 'Reuters',
      publishedAt: iso(55 * MIN),
      sources: ['google_news', 'gdelt', 'newsapi'],
      score: top.score,
    });
    // Finnhub's crypto feed is filtered to the query; HN's 30-hour-old story is outside 24h.
    const titles = result.results.map((r) => r.title);
    expect(titles).not.toContain('Ether staking grows');
    expect(titles).not.toContain('Ask HN: Bitcoin ETFs in an IRA?');
    expect(result.results).toHaveLength(6);
    expect(result.notes[0]).toBe(
      '10 articles → 6 stories (2 duplicates merged, 1 older than 24h dropped, 1 off-topic (finnhub crypto feed) dropped)',
    );
    for (const row of result.results) expect(typeof row.score).toBe('number');
  });

  it('carries a headline with ANSI/OSC escapes raw, and its table cells are harmless', async () => {
    const { rt } = setup();
    const result = await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    const evil = result.results.find((r) => r.source === 'Evil Wire')!;
    expect(evil.title).toBe(ESC_TITLE);
    const cells = newsColumns(Date.parse(result.generatedAt)).map((c) => (c.display ? c.display(evil) : String(c.value(evil))));
    for (const cell of cells) expect(cell).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(cells).toContain('Bitcoin ETF flash crash rumour denied');
  });

  it('with one source failing (HTML at 200): that source failed, the others shown', async () => {
    const http = new StubHttp(
      replies({ gdelt: { body: '<html><body>Query too short</body></html>', headers: { 'content-type': 'text/html' } } }),
    );
    const { rt } = setup({ http });
    const result = await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    const gdelt = result.sources.find((s) => s.name === 'gdelt')!;
    expect(gdelt).toMatchObject({ status: 'failed', items: 0, error: 'gdelt returned unexpected data: Query too short' });
    expect(result.sources.filter((s) => s.status === 'fresh')).toHaveLength(4);
    expect(result.results[0]!.sources).toEqual(['google_news', 'newsapi']);
  });

  it('with malformed XML from Google News: google_news failed, the others shown', async () => {
    const http = new StubHttp(replies({ google_news: { body: '<rss><channel><item><title>x</channel>' } }));
    const { rt } = setup({ http });
    const result = await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    expect(result.sources[0]).toMatchObject({ name: 'google_news', status: 'failed' });
    expect(result.sources[0]!.error).toMatch(/^google_news returned unexpected data: malformed XML/);
    expect(result.results.length).toBeGreaterThan(0);
  });

  it('skips keyed sources without keys, without calling them', async () => {
    const { rt, http } = setup({ env: { ...ENV_URLS } });
    const result = await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    expect(result.sources.slice(3)).toEqual([
      {
        name: 'newsapi',
        status: 'skipped',
        fetchedAt: null,
        ageSeconds: null,
        items: 0,
        error: 'NEWSAPI_KEY is not set',
        skip: { kind: 'missing-key', variable: 'NEWSAPI_KEY' },
      },
      {
        name: 'finnhub',
        status: 'skipped',
        fetchedAt: null,
        ageSeconds: null,
        items: 0,
        error: 'FINNHUB_API_KEY is not set',
        skip: { kind: 'missing-key', variable: 'FINNHUB_API_KEY' },
      },
    ]);
    expect((http as StubHttp).calls.map((u) => u.host).sort()).toEqual(['gdelt.test', 'google.test', 'hn.test']);
  });

  it('throws QAHT_ERR_USAGE for an empty query before any request', async () => {
    const { rt, http } = setup();
    for (const query of ['', '   ']) {
      const error = await runNews(rt, { ...commonOptions(), query }).catch((e: unknown) => e);
      expect(isQahtError(error) && error.code).toBe('QAHT_ERR_USAGE');
      expect((error as Error).message).toBe('news needs a query, e.g. screen news "bitcoin etf"');
    }
    expect((http as StubHttp).calls).toHaveLength(0);
  });

  it('encodes a query with quotes, unicode and & for every source', async () => {
    const { rt, http } = setup();
    const query = 'bitcoin "spot etf" & ünïcødé €';
    await runNews(rt, { ...commonOptions(), query });
    const calls = (http as StubHttp).calls;
    const sent = Object.fromEntries(
      calls.map((u) => [u.host, u.searchParams.get('q') ?? u.searchParams.get('query') ?? u.searchParams.get('category')]),
    );
    expect(sent).toEqual({ 'google.test': query, 'hn.test': query, 'gdelt.test': query, 'newsapi.test': query, 'finnhub.test': 'crypto' });
    for (const url of calls) expect(url.search).not.toMatch(/[ "&]ünï|"spot/);
  });

  it('routes a ticker query to Finnhub company news, unfiltered', async () => {
    const http = new StubHttp(
      replies({ finnhub: { match: (u: URL) => u.host === 'finnhub.test' && u.pathname === '/api/v1/company-news' } }),
    );
    const { rt } = setup({ http });
    const result = await runNews(rt, { ...commonOptions(), query: 'COIN' });
    expect(result.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'fresh', items: 2 });
    expect(result.results.map((r) => r.title)).toContain('Ether staking grows');
  });

  it('never waits past the per-source timeout for a source that hangs', async () => {
    const stub = new StubHttp(replies());
    let hnSignal: AbortSignal | undefined;
    const hanging: HttpGetter = {
      request: (url: string, options?: RequestOptions): Promise<HttpResponse> => {
        if (new URL(url).host === 'hn.test') {
          hnSignal = options?.signal;
          options?.onPaced?.();
          return new Promise(() => {});
        }
        return stub.request(url, options);
      },
      fetchText: async (url, options) => (await hanging.request(url, options)).text,
      fetchJson: async <T>(url: string, options?: RequestOptions) => JSON.parse((await hanging.request(url, options)).text) as T,
    };
    const clock = new ManualClock(NOW);
    const { rt } = setup({ http: hanging, clock });
    let settled = false;
    const pending = runNews(rt, { ...commonOptions(), query: 'bitcoin etf', newsTimeoutMs: 3000 }).finally(() => {
      settled = true;
    });
    await clock.advance(2999);
    expect(settled).toBe(false);
    await clock.advance(1);
    const result = await pending;
    expect(result.sources.find((s) => s.name === 'hn')).toMatchObject({ status: 'failed', error: 'hn did not answer within 3s' });
    expect(hnSignal?.aborted).toBe(true);
    expect(result.sources.filter((s) => s.status === 'fresh')).toHaveLength(4);
  });

  it('passes a small retry budget and the deadline to each request, but leaves each attempt --timeout-ms; NewsAPI, budgeted, gets no retry', async () => {
    const seen = new Map<string, RequestOptions | undefined>();
    const stub = new StubHttp(replies());
    const record = (url: string, options: RequestOptions | undefined): void => void seen.set(new URL(url).host, options);
    const http: HttpGetter = {
      request: (url, options) => {
        record(url, options);
        return stub.request(url, options);
      },
      fetchText: (url, options) => {
        record(url, options);
        return stub.fetchText(url, options);
      },
      fetchJson: (url, options) => {
        record(url, options);
        return stub.fetchJson(url, options);
      },
    };
    const { rt } = setup({ http });
    await runNews(rt, { ...commonOptions(), query: 'bitcoin etf', newsTimeoutMs: 4000 });
    expect([...seen.keys()].sort()).toEqual(['finnhub.test', 'gdelt.test', 'google.test', 'hn.test', 'newsapi.test']);
    for (const [host, options] of seen) {
      expect(options).toMatchObject({ maxRetries: host === 'newsapi.test' ? 0 : DEFAULT_NEWS_OPTIONS.maxRetries });
      // The per-source deadline aborts through the signal; it does not replace the per-attempt timeout.
      expect(options?.signal).toBeInstanceOf(AbortSignal);
      expect(options?.timeoutMs).toBeUndefined();
    }
  });

  it("spends one unit of NewsAPI's daily budget per request, and none on a cached answer", async () => {
    const { rt, http, clock } = setup();
    const newsapiCalls = (): number => (http as StubHttp).calls.filter((url) => url.host === 'newsapi.test').length;

    await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    expect(rt.budgetUsed.get('newsapi')).toBe(1);
    expect(newsapiCalls()).toBe(1);

    // Within the 5-minute TTL the answer comes from the cache: no request, no budget.
    await clock.advance(60_000);
    const again = await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    expect(again.sources.find((s) => s.name === 'newsapi')).toMatchObject({ status: 'cached', items: 2 });
    expect(rt.cache.hits).toContain('newsapi:v2/everything?q=bitcoin+etf&since=86400000');
    expect(rt.budgetUsed.get('newsapi')).toBe(1);
    expect(newsapiCalls()).toBe(1);

    // A forced refresh is a request, so it is counted; keyless sources have no budget at all.
    rt.cache.mode = 'force-refresh';
    await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    expect(rt.budgetUsed.get('newsapi')).toBe(2);
    expect(newsapiCalls()).toBe(2);
    expect([...rt.budgetUsed.keys()]).toEqual(['newsapi']);
  });

  it("with NewsAPI's daily budget used up, fails it without a request and keeps the others", async () => {
    const { rt, http } = setup();
    expect(await rt.budgets.consume('newsapi', 100, 100)).toBe(100);
    const result = await runNews(rt, { ...commonOptions(), query: 'bitcoin etf' });
    expect(result.sources.find((s) => s.name === 'newsapi')).toMatchObject({
      status: 'failed',
      items: 0,
      error: 'daily budget of 100 used',
    });
    expect(result.sources.filter((s) => s.status === 'fresh').map((s) => s.name)).toEqual(['google_news', 'hn', 'gdelt', 'finnhub']);
    expect((http as StubHttp).calls.some((url) => url.host === 'newsapi.test')).toBe(false);
    expect(rt.budgetUsed.get('newsapi')).toBe(100);
  });

  it('keys the cache by query and window, never by API key', async () => {
    const { rt, keys } = setup();
    await runNews(rt, { ...commonOptions(), query: 'bitcoin & etf', sinceMs: 2 * HOUR });
    expect(keys).toEqual([
      'google_news:rss/search?q=bitcoin+%26+etf&since=7200000',
      'hn:search_by_date?q=bitcoin+%26+etf&since=7200000',
      'gdelt:api/v2/doc/doc?q=bitcoin+%26+etf&since=7200000',
      'newsapi:v2/everything?q=bitcoin+%26+etf&since=7200000',
      'finnhub:news?category=crypto',
    ]);
    for (const key of keys) for (const secret of Object.values(KEYS)) expect(key).not.toContain(secret);
  });

  it('applies --since, --limit and --sources', async () => {
    const { rt } = setup();
    const result = await runNews(rt, {
      ...commonOptions({ limit: 2, sources: ['google_news', 'hn'] }),
      query: 'bitcoin etf',
      sinceMs: 2 * HOUR,
    });
    expect(result.sources.map((s) => s.status)).toEqual(['fresh', 'fresh', 'skipped', 'skipped', 'skipped']);
    expect(result.sources[2]!.error).toBe('not selected (--sources)');
    expect(result.results).toHaveLength(2);
    for (const row of result.results) expect(Date.parse(row.publishedAt)).toBeGreaterThanOrEqual(NOW - 2 * HOUR);
    expect(result.notes).toContain('showing 2 of 3 stories (--limit)');
  });
});

describe('news demo recordings', () => {
  const dir = new URL('../../../src/demo/recordings/', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('news.json', dir), 'utf8')) as Array<{
    source: string;
    path: string;
    query?: Record<string, string>;
    contentType: string;
    file: string;
  }>;

  function demoHttp(): StubHttp {
    return new StubHttp(
      manifest.map((recording) => ({
        match: (url: URL) =>
          url.host === 'demo.test' &&
          url.pathname === `/${recording.source}${recording.path}` &&
          Object.entries(recording.query ?? {}).every(([name, value]) => url.searchParams.get(name) === value),
        body: renderTimeTokens(readFileSync(new URL(recording.file, dir), 'utf8'), NOW),
        headers: { 'content-type': recording.contentType },
      })),
    );
  }
  const demoEnv = {
    ...Object.fromEntries(
      ['google_news', 'hn', 'gdelt', 'newsapi', 'finnhub'].map((s) => [`SCREEN_${s.toUpperCase()}_URL`, `http://demo.test/${s}`]),
    ),
    NEWSAPI_KEY: 'demo-key',
    FINNHUB_API_KEY: 'demo-key',
  };

  it('replay through the whole screen with cross-source duplicates merged', async () => {
    const { rt } = setup({ http: demoHttp(), env: demoEnv });
    const result = await runNews(rt, { ...commonOptions({ limit: 100 }), query: 'bitcoin etf' });
    expect(result.sources.map((s) => [s.name, s.status, s.items])).toEqual([
      ['google_news', 'fresh', 20],
      ['hn', 'fresh', 15],
      ['gdelt', 'fresh', 20],
      ['newsapi', 'fresh', 19],
      ['finnhub', 'fresh', 20],
    ]);
    const top = result.results[0]!;
    expect(top.source).toBe('Reuters');
    expect(top.sources).toEqual(['google_news', 'hn', 'gdelt', 'newsapi', 'finnhub']);
    expect(top.url).toBe('https://www.reuters.com/markets/us/spot-bitcoin-etfs-pull-12-billion-single-day-2026-11-29/');
    expect(result.results.filter((r) => r.sources.length >= 3).length).toBeGreaterThanOrEqual(6);
    for (const row of result.results) {
      expect(row.url).not.toContain('utm_');
      expect(Date.parse(row.publishedAt)).toBeGreaterThanOrEqual(NOW - 24 * HOUR);
    }
    // Every story appears once: no two rows share a title.
    expect(new Set(result.results.map((r) => r.title.toLowerCase())).size).toBe(result.results.length);
  });

  it('has company news for a ticker query', async () => {
    const { rt } = setup({ http: demoHttp(), env: demoEnv });
    const result = await runNews(rt, { ...commonOptions(), query: 'COIN' });
    expect(result.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'fresh', items: 5 });
  });
});

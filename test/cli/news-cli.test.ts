import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import {
  ageCacheEntries,
  BODIES,
  NEWS_PATHS,
  NEWS_SOURCE_NAMES,
  newsEnv,
  parseNewsJson,
  routeRecordings,
  routeStories,
  statusBySource,
  TEST_FINNHUB_KEY,
  TEST_NEWSAPI_KEY,
  type NewsJson,
  type NewsSource,
  type Story,
} from './news-fixtures.js';

/**
 * `screen news <query>` as users run it, through `main` in-process, against one fake server that plays
 * all five news APIs (issue 5, "Must show"). The demo recordings give each API's real shape.
 */

const QUERY = 'bitcoin etf';
const ALL_FRESH = Object.fromEntries(NEWS_SOURCE_NAMES.map((name) => [name, 'fresh']));
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Terminal-hostile characters that must never reach stdout from a third-party string. */
const HOSTILE_CHARS = /[\u001b\u0007\u009b\u009d\u202e\u2066-\u2069]/;

let api: FakeApi;
let cacheDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});

function news(args: string[], extraEnv: Record<string, string> = {}) {
  return runMain(['news', ...args], newsEnv(api, cacheDir, extraEnv));
}

async function newsJson(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; doc: NewsJson }> {
  const run = await news([...args, '--json'], extraEnv);
  return { code: run.code, stderr: run.stderr, doc: parseNewsJson(run.stdout) };
}

function findByTitle(doc: NewsJson, pattern: RegExp): NewsJson['results'] {
  return doc.results.filter((row) => pattern.test(row.title));
}

describe('screen news: each source as its API really answers', () => {
  it('returns results from all five sources with the contract fields', async () => {
    routeRecordings(api);
    const { code, doc } = await newsJson([QUERY, '--limit', '500']);

    expect(code).toBe(0);
    expect(doc.command).toBe('news');
    expect(statusBySource(doc)).toEqual(ALL_FRESH);
    for (const source of doc.sources) expect(source.items, source.name).toBeGreaterThan(0);

    expect(doc.results.length).toBeGreaterThan(20);
    for (const row of doc.results) {
      expect(Object.keys(row).sort()).toEqual(['publishedAt', 'score', 'source', 'sources', 'title', 'url']);
      expect(row.publishedAt).toMatch(ISO_MS);
      expect(new Date(row.publishedAt).toISOString()).toBe(row.publishedAt);
      expect(row.sources.length).toBeGreaterThan(0);
      for (const name of row.sources) expect(NEWS_SOURCE_NAMES).toContain(name);
      expect(typeof row.score).toBe('number');
      expect(row.url).toMatch(/^https?:\/\//);
    }
    // Every source contributes rows, so each adapter's parse of the real shape reached the output.
    for (const name of NEWS_SOURCE_NAMES) {
      expect(
        doc.results.some((row) => row.sources.includes(name)),
        name,
      ).toBe(true);
    }

    // One story only each source carries, read through that source's own fields.
    // Google: " - Publisher" stripped from the title, publisher from <source>.
    expect(findByTitle(doc, /^Bitcoin price today: BTC steadies near \$91K after ETF data$/)).toEqual([
      expect.objectContaining({ source: 'Yahoo Finance', sources: ['google_news'] }),
    ]);
    // HN: no outlet, so the source name stands in; Ask HN links to the discussion.
    expect(findByTitle(doc, /^Show HN: A live dashboard of spot bitcoin ETF flows$/)).toEqual([
      expect.objectContaining({ source: 'hn', sources: ['hn'], url: 'https://etfflows.dev/' }),
    ]);
    expect(findByTitle(doc, /^Ask HN: Does anyone hold bitcoin ETFs/)[0]?.url).toMatch(/^https:\/\/news\.ycombinator\.com\/item\?id=\d+$/);
    // GDELT: the domain is the outlet, seendate parsed.
    expect(findByTitle(doc, /^Bitcoin ETF demand lifts crypto-linked shares in Asia$/)).toEqual([
      expect.objectContaining({ source: 'nikkei.com', sources: ['gdelt'] }),
    ]);
    // NewsAPI: source.name is the outlet; "[Removed]" placeholders are skipped.
    expect(findByTitle(doc, /^Bitcoin ETF investors shrug off volatility as inflows continue$/)).toEqual([
      expect.objectContaining({ source: 'Business Insider', sources: ['newsapi'] }),
    ]);
    expect(findByTitle(doc, /Removed/)).toEqual([]);
    // Finnhub crypto feed: headline/source/datetime, off-topic items (e.g. NFT volumes) filtered out.
    expect(findByTitle(doc, /^Bitcoin ETF flows turn the corner for crypto brokers$/)).toEqual([
      expect.objectContaining({ source: 'Cointelegraph', sources: ['finnhub'] }),
    ]);
    expect(findByTitle(doc, /NFT trading volumes/)).toEqual([]);

    // One request per source, each on its real path with its real parameters; keys sent as the API wants.
    expect(api.requests.map((r) => r.path).sort()).toEqual(
      [NEWS_PATHS.google_news, NEWS_PATHS.hn, NEWS_PATHS.gdelt, NEWS_PATHS.newsapi, NEWS_PATHS.finnhub].sort(),
    );
    const byPath = new Map(api.requests.map((r) => [r.path, r]));
    expect(byPath.get(NEWS_PATHS.gdelt)?.query.get('mode')).toBe('artlist');
    expect(byPath.get(NEWS_PATHS.gdelt)?.query.get('format')).toBe('json');
    expect(byPath.get(NEWS_PATHS.newsapi)?.headers['x-api-key']).toBe(TEST_NEWSAPI_KEY);
    expect(byPath.get(NEWS_PATHS.finnhub)?.query.get('category')).toBe('crypto');
    expect(byPath.get(NEWS_PATHS.finnhub)?.query.get('token')).toBe(TEST_FINNHUB_KEY);
  });

  it('reads Finnhub company-news when the query is a ticker', async () => {
    routeRecordings(api);
    const { code, doc } = await newsJson(['COIN', '--sources', 'finnhub']);

    expect(code).toBe(0);
    expect(doc.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'fresh', items: expect.any(Number) });
    expect(doc.sources.find((s) => s.name === 'finnhub')!.items).toBeGreaterThan(0);
    expect(findByTitle(doc, /^Coinbase shares rise as bitcoin ETF custody fees grow$/)).toEqual([
      expect.objectContaining({ source: 'Yahoo', sources: ['finnhub'] }),
    ]);
    expect(api.requests.map((r) => r.path)).toEqual([NEWS_PATHS.finnhubCompany]);
    expect(api.requests[0]!.query.get('symbol')).toBe('COIN');
  });
});

describe('screen news: dedupe across outlets', () => {
  it('merges one story carried by three sources, by canonical URL and by near-identical title', async () => {
    // Story A: the same article URL with different tracking parameters (and www/scheme/slash variants).
    const byUrl = 'https://www.reuters.com/markets/us/bitcoin-etf-inflows-record-2026-11-29/';
    // Story B: Google's redirect link (never the publisher URL) and lightly rewritten headlines.
    const stories: Partial<Record<NewsSource, Story[]>> = {
      newsapi: [
        {
          title: 'Bitcoin ETF inflows hit a record as investors pile in',
          url: `${byUrl}?utm_source=newsapi&utm_medium=referral`,
          publisher: 'Reuters',
          agoS: 1800,
        },
        {
          title: 'SEC approves options trading on spot ether ETFs',
          url: 'https://www.coindesk.com/policy/sec-approves-ether-etf-options',
          publisher: 'CoinDesk',
          agoS: 3600,
        },
        {
          title: 'Bitcoin ETF fees fall again after Vanguard review',
          url: 'https://www.example-news.com/etf-fees',
          publisher: 'Example News',
          agoS: 7200,
        },
      ],
      finnhub: [
        {
          title: 'Bitcoin ETF inflows hit record as investors pile in',
          url: `${byUrl}?utm_source=finnhub&utm_campaign=feed`,
          publisher: 'Reuters',
          agoS: 2000,
        },
      ],
      hn: [
        {
          title: 'Bitcoin ETFs see record inflows',
          url: 'http://reuters.com/markets/us/bitcoin-etf-inflows-record-2026-11-29?fbclid=abc123',
          publisher: 'hn',
          agoS: 2400,
        },
        { title: 'Show HN: A terminal bitcoin ETF tracker', url: 'https://github.com/example/etf-tracker', publisher: 'hn', agoS: 5000 },
      ],
      google_news: [
        {
          title: 'SEC Approves Options Trading on Spot Ether ETFs',
          url: 'https://news.google.com/rss/articles/CBMiSECETHEROPTIONS?oc=5',
          publisher: 'CoinDesk',
          agoS: 3300,
        },
      ],
      gdelt: [
        {
          title: 'SEC approves options trading on spot Ether ETFs .',
          url: 'https://www.theblock.co/post/99999/sec-ether-etf-options',
          publisher: 'theblock.co',
          agoS: 4000,
        },
      ],
    };
    routeStories(api, stories);
    const { code, doc } = await newsJson([QUERY]);

    expect(code).toBe(0);
    expect(statusBySource(doc)).toEqual(ALL_FRESH);
    // 8 articles in, 4 stories out.
    expect(doc.results).toHaveLength(4);

    const inflows = findByTitle(doc, /inflows/i);
    expect(inflows).toHaveLength(1);
    expect(inflows[0]!.sources).toEqual(['hn', 'newsapi', 'finnhub']);
    expect(inflows[0]!.url).toBe(byUrl); // tracking parameters stripped from the shown link
    expect(inflows[0]!.source).toBe('Reuters');

    const options = findByTitle(doc, /ether ETFs/i);
    expect(options).toHaveLength(1);
    expect(options[0]!.sources).toEqual(['google_news', 'gdelt', 'newsapi']);
    // A publisher URL is preferred over Google's redirect.
    expect(options[0]!.url).not.toMatch(/news\.google\.com/);

    expect(findByTitle(doc, /fees fall/)[0]!.sources).toEqual(['newsapi']);
    expect(findByTitle(doc, /terminal bitcoin ETF tracker/)[0]!.sources).toEqual(['hn']);
  });
});

describe('screen news: hostile headlines', () => {
  const hostile: Story[] = [
    { title: 'Red \u001b[31mbitcoin\u001b[0m ETF alert', url: 'https://evil.example/a', publisher: 'Evil \u001b[5mWire', agoS: 600 },
    { title: '\u001b]0;pwned\u0007Bitcoin ETF window title hijack', url: 'https://evil.example/b', publisher: 'Evil Wire', agoS: 900 },
    {
      title: 'Click \u001b]8;;https://evil.example/x\u001b\\bitcoin ETF here\u001b]8;;\u001b\\ now',
      url: 'https://evil.example/c',
      publisher: 'Evil Wire',
      agoS: 1200,
    },
    {
      title: 'C1 \u009b31mbitcoin ETF\u009b0m and \u202ereversed\u202c bidi',
      url: 'https://evil.example/d',
      publisher: 'Evil Wire',
      agoS: 1500,
    },
    { title: '=HYPERLINK("https://evil.example","bitcoin ETF")', url: 'https://evil.example/e', publisher: 'Evil Wire', agoS: 1800 },
  ];

  it('prints a table with every escape, control and bidi character removed and the words kept', async () => {
    routeStories(api, { newsapi: hostile, hn: hostile.slice(1, 2).map((s) => ({ ...s, url: `${s.url}?via=hn` })) });
    const run = await news([QUERY], { COLUMNS: '240' });

    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(HOSTILE_CHARS);
    expect(run.stderr).not.toMatch(HOSTILE_CHARS);
    expect(run.stdout).not.toContain('pwned');
    expect(run.stdout).toContain('Red bitcoin ETF alert');
    expect(run.stdout).toContain('Bitcoin ETF window title hijack');
    expect(run.stdout).toContain('Click bitcoin ETF here now');
    expect(run.stdout).toContain('C1 bitcoin ETF and reversed bidi');
    expect(run.stdout).toContain('Evil Wire');
    // The copy HN carried merged with NewsAPI's: dedupe works on the raw titles, output cleans them.
    expect(run.stdout).toMatch(/Bitcoin ETF window title hijack\s+│ https:\/\/evil\.example\/b\S*\s+│ hn,newsapi/);
  });

  it('neutralises formula cells and strips escapes in --csv', async () => {
    routeStories(api, { newsapi: hostile });
    const run = await news([QUERY, '--csv']);

    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(HOSTILE_CHARS);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('publishedAt,source,title,url,sources,score');
    const formula = lines.find((line) => line.includes('HYPERLINK'));
    expect(formula).toBeDefined();
    // The title cell starts with a quote mark, so no spreadsheet evaluates it.
    expect(formula).toContain(`"'=HYPERLINK(""https://evil.example"",""bitcoin ETF"")"`);
    expect(formula).not.toMatch(/,=/);
  });
});

describe('screen news: usage errors', () => {
  it('exits 2 with a one-line message and makes no request for an empty query', async () => {
    routeRecordings(api);
    for (const args of [[''], [], ['   ']]) {
      const run = await news(args);
      expect(run.code, JSON.stringify(args)).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/needs a query/);
    }
    expect(api.requestCount()).toBe(0);
  });
});

describe('screen news: query encoding', () => {
  it('sends quotes, unicode and & to every source exactly as typed', async () => {
    const query = '"bitcoin" & ether café ₿';
    routeStories(api, {
      newsapi: [{ title: 'Bitcoin and ether café opens', url: 'https://example.org/cafe', publisher: 'Example', agoS: 60 }],
    });
    const { code, doc } = await newsJson([query]);

    expect(code).toBe(0);
    expect(statusBySource(doc)).toEqual(ALL_FRESH);
    const param = (path: string, name: string) => api.requests.find((r) => r.path === path)?.query.getAll(name);
    expect(param(NEWS_PATHS.google_news, 'q')).toEqual([query]);
    expect(param(NEWS_PATHS.hn, 'query')).toEqual([query]);
    expect(param(NEWS_PATHS.gdelt, 'query')).toEqual([query]);
    expect(param(NEWS_PATHS.newsapi, 'q')).toEqual([query]);
    // `&` inside the query never splits off a parameter of its own.
    for (const request of api.requests) {
      for (const name of request.query.keys()) expect(name.trim(), request.path).not.toMatch(/^(ether|café|₿)/);
    }
    // Finnhub's crypto feed takes no query.
    expect(api.requests.find((r) => r.path === NEWS_PATHS.finnhub)?.query.get('category')).toBe('crypto');
    expect(doc.results.map((r) => r.title)).toContain('Bitcoin and ether café opens');
  });
});

describe('screen news: a source that answers with the wrong kind of body', () => {
  it('marks HTML bodies failed with a reason and shows the other sources (exit 0)', async () => {
    routeRecordings(api);
    // GDELT reports a bad query as HTTP 200 text/html; Google may answer with a CDN page.
    api.route('GET', NEWS_PATHS.gdelt, {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      // GDELT's sentence, with an escape sequence planted in it: the reason still prints harmlessly.
      body: 'The specified phrase is too short.\u001b]0;pwned\u0007',
    });
    api.fault(NEWS_PATHS.google_news, 'html-200');
    const run = await news([QUERY, '--json']);
    const doc = parseNewsJson(run.stdout);

    expect(run.code).toBe(0);
    expect(statusBySource(doc)).toEqual({ ...ALL_FRESH, google_news: 'failed', gdelt: 'failed' });
    const reason = (name: string) => doc.sources.find((s) => s.name === name)?.error ?? '';
    expect(reason('gdelt')).toMatch(/gdelt returned unexpected data: The specified phrase is too short/);
    expect(reason('google_news')).toMatch(/google_news returned unexpected data: an HTML page instead of an RSS feed/);
    expect(doc.results.length).toBeGreaterThan(0);
    expect(doc.results.every((row) => !row.sources.includes('gdelt') && !row.sources.includes('google_news'))).toBe(true);
    expect(run.stderr).toMatch(/gdelt\s+failed\s+gdelt returned unexpected data/);
    expect(run.stderr).toMatch(/google_news\s+failed\s+google_news returned unexpected data/);
    expect(run.stderr).not.toMatch(HOSTILE_CHARS);
    expect(run.stderr).not.toContain('pwned');
  });

  it('marks malformed XML failed, shows the others, and exits 3 under --strict', async () => {
    routeRecordings(api);
    const feed = BODIES.google_news(
      [{ title: 'Bitcoin ETF news', url: 'https://news.google.com/rss/articles/X', publisher: 'Wire', agoS: 60 }],
      Date.now(),
    ).body;
    // A feed cut off mid-item: unclosed tags.
    api.route('GET', NEWS_PATHS.google_news, {
      status: 200,
      headers: { 'content-type': 'application/xml; charset=utf-8' },
      body: feed.slice(0, feed.indexOf('</title>', feed.indexOf('<item>'))),
    });
    const run = await news([QUERY, '--json', '--strict']);
    const doc = parseNewsJson(run.stdout);

    expect(run.code).toBe(3);
    expect(statusBySource(doc)).toEqual({ ...ALL_FRESH, google_news: 'failed' });
    expect(doc.sources.find((s) => s.name === 'google_news')?.error).toMatch(/google_news returned unexpected data: malformed XML/);
    expect(doc.results.length).toBeGreaterThan(0);
  });
});

describe('screen news: every source down', () => {
  const ALL_STALE = Object.fromEntries(NEWS_SOURCE_NAMES.map((name) => [name, 'stale']));

  it('serves a warm cache past its TTL marked stale: exit 0, and 3 under --strict', async () => {
    routeRecordings(api);
    const first = await newsJson([QUERY]);
    expect(first.code).toBe(0);
    expect(statusBySource(first.doc)).toEqual(ALL_FRESH);
    // Past the 5-minute news TTL, so this run must fetch.
    expect(await ageCacheEntries(cacheDir, 10 * 60_000)).toBe(NEWS_SOURCE_NAMES.length);

    api.fault('*', { status: 500 });
    const { code, doc, stderr } = await newsJson([QUERY]);

    expect(code).toBe(0);
    expect(statusBySource(doc)).toEqual(ALL_STALE);
    for (const source of doc.sources) {
      expect(source.items).toBe(first.doc.sources.find((s) => s.name === source.name)!.items);
      // All five share the fake's one host, so its breaker opens mid-run and may be the last word.
      expect(source.error, source.name).toMatch(/500|circuit open/);
    }
    expect(doc.results.map((r) => r.url)).toEqual(first.doc.results.map((r) => r.url));
    expect(stderr).toMatch(/hn\s+stale\s+15 items, 10m old \(/);
    // Each source really tried before falling back.
    for (const name of NEWS_SOURCE_NAMES) expect(api.requestCount(NEWS_PATHS[name]), name).toBeGreaterThan(0);

    const strict = await news([QUERY, '--strict']);
    expect(strict.code).toBe(3);
    expect(strict.stdout).toContain('Spot bitcoin ETFs pull in $1.2 billion');
  });

  // CONTRACT: "if the fetch fails, stale cache still serves, marked stale" — even within the TTL,
  // so a failed refresh is visible and --strict exits 3.
  it('serves a warm cache marked stale when --force-refresh fails everywhere', async () => {
    routeRecordings(api);
    const first = await newsJson([QUERY]);
    expect(statusBySource(first.doc)).toEqual(ALL_FRESH);

    api.fault('*', { status: 500 });
    const { code, doc } = await newsJson([QUERY, '--force-refresh']);

    expect(code).toBe(0);
    expect(api.requestCount(NEWS_PATHS.hn)).toBeGreaterThan(0);
    expect(doc.results.map((r) => r.url)).toEqual(first.doc.results.map((r) => r.url));
    expect(statusBySource(doc)).toEqual(ALL_STALE);
    for (const source of doc.sources) expect(source.error, source.name).toMatch(/500|circuit open/);
  });

  it('exits 1 and says so on stderr with no cache', async () => {
    api.fault('*', 'reset');
    const run = await news([QUERY]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/no results/);
    for (const name of NEWS_SOURCE_NAMES) expect(run.stderr).toMatch(new RegExp(`${name}\\s+failed`));
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('exits 1 with 500s everywhere and a fresh cache, JSON listing every source failed', async () => {
    api.fault('*', { status: 500 });
    const { code, doc, stderr } = await newsJson([QUERY]);

    expect(code).toBe(1);
    expect(statusBySource(doc)).toEqual(Object.fromEntries(NEWS_SOURCE_NAMES.map((name) => [name, 'failed'])));
    expect(doc.results).toEqual([]);
    expect(stderr).toMatch(/no results/);
  });
});

describe('screen news: a slow source', () => {
  it('times the slow source out and answers with the others well before it would have replied', async () => {
    const SLOW_MS = 10_000;
    // Generous next to the ~50 ms the other routes take, so a loaded machine does not time them out too.
    const DEADLINE_MS = 1_000;
    routeRecordings(api);
    const hnStories = BODIES.hn(
      [{ title: 'Bitcoin ETF late story', url: 'https://example.org/late', publisher: 'hn', agoS: 60 }],
      Date.now(),
    );
    api.route('GET', NEWS_PATHS.hn, { status: 200, headers: hnStories.headers, body: hnStories.body }, { latencyMs: SLOW_MS });

    const started = performance.now();
    const { code, doc } = await newsJson([QUERY, '--source-timeout-ms', String(DEADLINE_MS)]);
    const elapsedMs = performance.now() - started;

    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(5_000);
    expect(statusBySource(doc)).toEqual({ ...ALL_FRESH, hn: 'failed' });
    expect(doc.sources.find((s) => s.name === 'hn')?.error).toMatch(/hn did not answer within 1s/);
    expect(doc.results.length).toBeGreaterThan(0);
    expect(doc.results.some((row) => row.sources.includes('hn'))).toBe(false);
    expect(api.requestCount(NEWS_PATHS.hn)).toBeGreaterThanOrEqual(1);
  });
});

describe('screen news: --offline', () => {
  it('serves the warm cache and makes no request', async () => {
    routeRecordings(api);
    const first = await newsJson([QUERY]);
    expect(first.code).toBe(0);
    const before = api.requestCount();

    const { code, doc } = await newsJson([QUERY, '--offline']);

    expect(code).toBe(0);
    expect(api.requestCount()).toBe(before);
    for (const source of doc.sources) {
      expect(['cached', 'stale'], source.name).toContain(source.status);
      expect(source.items).toBe(first.doc.sources.find((s) => s.name === source.name)!.items);
    }
    expect(doc.results.map((r) => r.url)).toEqual(first.doc.results.map((r) => r.url));
  });

  it('exits 1 without a cache and makes no request', async () => {
    routeRecordings(api);
    const run = await news([QUERY, '--offline']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no results/);
    expect(run.stderr).toMatch(/offline and nothing cached/);
    expect(api.requestCount()).toBe(0);
  });
});

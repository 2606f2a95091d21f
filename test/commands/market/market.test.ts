import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_MARKET_SIGNALS } from '../../../src/screens/market/market-signals.js';
import { DEFAULT_MARKET_OPTIONS, runMarket, SYMBOLS_FILE_MAX_BYTES, type MarketOptions } from '../../../src/commands/market/run.js';
import type { CommonOptions } from '../../../src/runtime/runtime.js';
import type { BudgetPort } from '../../../src/store/store-ports.js';
import type { HttpGetter, HttpResponse } from '../../../src/http/types.js';
import { DEFAULT_UNIVERSE } from '../../../src/screens/market/universes.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { StubHttp, commonOptions, counterKey, createFakeRuntime, type StubReply } from '../../helpers/fake-runtime.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

const FINNHUB = { FINNHUB_API_KEY: 'fh-key' };
const ALPHAVANTAGE = { ALPHAVANTAGE_API_KEY: 'av-key' };
const STOOQ = { STOOQ_API_KEY: 'st-key' };
const HOUR = 3600_000;

function options(overrides: Partial<CommonOptions & MarketOptions> = {}): CommonOptions & MarketOptions {
  const { limit: _limit, ...defaults } = DEFAULT_MARKET_OPTIONS;
  return { ...commonOptions(), ...defaults, limit: 500, ...overrides };
}

/** A stable fake price and move per symbol. */
function fakeQuote(symbol: string): { price: number; changePct: number; volume: number } {
  let hash = 7;
  for (const char of symbol) hash = (hash * 31 + char.charCodeAt(0)) % 100_003;
  return { price: 50 + (hash % 400), changePct: ((hash % 900) - 450) / 100, volume: 1e6 + hash * 100 };
}

const symbolOf = (url: URL): string => url.searchParams.get('symbol') ?? '';

function finnhubReply(unknown: ReadonlySet<string> = new Set()): StubReply {
  return {
    match: (url) => url.hostname === 'finnhub.io',
    body: (url) => {
      const symbol = symbolOf(url);
      if (unknown.has(symbol)) return JSON.stringify({ c: 0, d: null, dp: null, h: 0, l: 0, o: 0, pc: 0, t: 0 });
      const q = fakeQuote(symbol);
      const pc = q.price / (1 + q.changePct / 100);
      return JSON.stringify({ c: q.price, d: q.price - pc, dp: q.changePct, h: q.price, l: pc, o: pc, pc, t: 1796000000 });
    },
  };
}

function alphaVantageReply(body?: (symbol: string) => unknown): StubReply {
  return {
    match: (url) => url.hostname === 'www.alphavantage.co',
    body: (url) => {
      const symbol = symbolOf(url);
      if (body) return JSON.stringify(body(symbol));
      const q = fakeQuote(symbol);
      return JSON.stringify({
        'Global Quote': {
          '01. symbol': symbol,
          '05. price': q.price.toFixed(4),
          '06. volume': String(q.volume),
          '10. change percent': `${q.changePct.toFixed(4)}%`,
        },
      });
    },
  };
}

function stooqReply(text: (symbols: string[]) => string, contentType = 'text/csv'): StubReply {
  return {
    match: (url) => url.hostname === 'stooq.com',
    body: (url) => text((url.searchParams.get('s') ?? '').split(',')),
    headers: { 'content-type': contentType },
  };
}

function stooqCsv(unknown: ReadonlySet<string> = new Set()): (symbols: string[]) => string {
  return (symbols) =>
    [
      'Symbol,Date,Time,Open,High,Low,Close,Volume,Name',
      ...symbols.map((s) => {
        const ticker = s.replace(/\.us$/, '').toUpperCase();
        if (unknown.has(ticker)) return `${s.toUpperCase()},N/D,N/D,N/D,N/D,N/D,N/D,N/D,${s.toUpperCase()}`;
        const q = fakeQuote(ticker);
        return `${s.toUpperCase()},2026-11-27,22:00:05,${q.price / 1.01},${q.price},${q.price},${q.price},${q.volume},${ticker} INC`;
      }),
    ].join('\n');
}

const callsTo = (http: StubHttp, host: string): URL[] => http.calls.filter((url) => url.hostname === host);
const symbolsAsked = (http: StubHttp, host: string): string[] => callsTo(http, host).map(symbolOf);

/** A budget ledger keyed by UTC day, like the real state store's (the fake runtime's never resets). */
function dailyLedger(clock: ManualClock): BudgetPort & { used(name: string): number } {
  const used = new Map<string, number>();
  const key = (name: string): string => `${name}:${new Date(clock.now()).toISOString().slice(0, 10)}`;
  return {
    async consume(name, amount, limit) {
      const spent = used.get(key(name)) ?? 0;
      const granted = Math.max(0, Math.min(amount, limit - spent));
      used.set(key(name), spent + granted);
      return granted;
    },
    async remaining(name, limit) {
      return Math.max(0, limit - (used.get(key(name)) ?? 0));
    },
    used: (name) => used.get(key(name)) ?? 0,
  };
}

const tempDirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const symbolsN = (n: number): string[] => Array.from({ length: n }, (_, i) => `SYM${String(i).padStart(3, '0')}`);

describe('runMarket: configuration', () => {
  it('needs at least one key, and says which (and --demo)', async () => {
    const rt = createFakeRuntime({ http: new StubHttp([]), env: {} });
    await expect(runMarket(rt, options())).rejects.toMatchObject({
      code: 'QAHT_ERR_MISSING_KEY',
      message: 'market needs at least one of FINNHUB_API_KEY, ALPHAVANTAGE_API_KEY, STOOQ_API_KEY (or try --demo)',
    });
  });

  it('names only the selected sources when --sources leaves none with a key', async () => {
    const rt = createFakeRuntime({ http: new StubHttp([]), env: FINNHUB });
    await expect(runMarket(rt, options({ sources: ['stooq'] }))).rejects.toMatchObject({
      code: 'QAHT_ERR_MISSING_KEY',
      message: expect.stringContaining('STOOQ_API_KEY'),
    });
    await expect(runMarket(rt, options({ sources: ['coingecko'] }))).rejects.toMatchObject({ code: 'QAHT_ERR_USAGE' });
  });

  it('rejects an invalid symbol and an unreadable --symbols-file as usage errors', async () => {
    const rt = createFakeRuntime({ http: new StubHttp([finnhubReply()]), env: FINNHUB });
    await expect(runMarket(rt, options({ symbols: ['AAPL', 'NOT A SYMBOL'] }))).rejects.toMatchObject({ code: 'QAHT_ERR_USAGE' });
    await expect(runMarket(rt, options({ symbolsFile: '/nonexistent/qaht-symbols.txt' }))).rejects.toMatchObject({
      code: 'QAHT_ERR_USAGE',
      message: expect.stringContaining('no such file'),
    });
  });

  it('refuses a --symbols-file that is a FIFO, /dev/zero or a link to it, or too large, at once and as a usage error', async () => {
    const dir = await tempDir('qaht-market-special-');
    const fifo = join(dir, 'symbols.fifo');
    execFileSync('mkfifo', [fifo]);
    const zeroLink = join(dir, 'zero.txt');
    await symlink('/dev/zero', zeroLink);
    const huge = join(dir, 'huge.txt');
    await writeFile(huge, 'AAPL\n'.repeat(SYMBOLS_FILE_MAX_BYTES / 4));
    const rt = createFakeRuntime({ http: new StubHttp([finnhubReply()]), env: FINNHUB });
    // A plain read of the FIFO would wait for a writer forever; this one returns.
    for (const [file, reason] of [
      [fifo, 'not a regular file'],
      ['/dev/zero', 'not a regular file'],
      [zeroLink, 'not a regular file'],
      [huge, 'larger than 1024 KiB'],
    ] as const) {
      await expect(runMarket(rt, options({ symbolsFile: file }))).rejects.toMatchObject({
        code: 'QAHT_ERR_USAGE',
        message: expect.stringContaining(reason),
      });
    }
  });

  it('reads --symbols-file (lines, commas, comments) together with the arguments', async () => {
    const dir = await tempDir('qaht-market-');
    const file = join(dir, 'symbols.txt');
    await writeFile(file, '# watchlist\nmsft, nvda\nKO # drinks\n');
    const http = new StubHttp([finnhubReply()]);
    const rt = createFakeRuntime({ http, env: FINNHUB });
    const result = await runMarket(rt, options({ symbols: ['aapl'], symbolsFile: file }));
    expect(symbolsAsked(http, 'finnhub.io')).toEqual(['AAPL', 'MSFT', 'NVDA', 'KO']);
    expect(result.results.map((r) => r.symbol).sort()).toEqual(['AAPL', 'KO', 'MSFT', 'NVDA']);
  });
});

describe('runMarket: a scan', () => {
  it('scans the Dow 30 by default, ranks by score, and reports each source', async () => {
    const http = new StubHttp([finnhubReply()]);
    const rt = createFakeRuntime({ http, env: FINNHUB });
    const ticks: number[] = [];
    rt.progress = {
      start: (_label, total) => ticks.push(-total),
      tick: (done) => ticks.push(done),
      stop: () => ticks.push(Infinity),
      end: () => ticks.push(Number.NaN),
    };
    const result = await runMarket(rt, options());

    expect(symbolsAsked(http, 'finnhub.io')).toEqual([...DEFAULT_UNIVERSE]);
    expect(result.command).toBe('market');
    expect(result.results).toHaveLength(30);
    const scores = result.results.map((r) => r.score ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const apple = result.results.find((r) => r.symbol === 'AAPL');
    expect(apple).toEqual({
      symbol: 'AAPL',
      name: 'Apple',
      price: fakeQuote('AAPL').price,
      changePct: fakeQuote('AAPL').changePct,
      changeBasis: 'prevClose',
      volume: null,
      score: Math.abs(fakeQuote('AAPL').changePct),
      sources: ['finnhub'],
      ...NO_MARKET_SIGNALS,
    });
    expect(result.sources).toEqual([
      { name: 'finnhub', status: 'fresh', fetchedAt: '2026-11-29T10:00:00.000Z', ageSeconds: 0, items: 30, error: null },
      {
        name: 'alphavantage',
        status: 'skipped',
        fetchedAt: null,
        ageSeconds: null,
        items: 0,
        error: 'ALPHAVANTAGE_API_KEY is not set',
        skip: { kind: 'missing-key', variable: 'ALPHAVANTAGE_API_KEY' },
      },
      {
        name: 'stooq',
        status: 'skipped',
        fetchedAt: null,
        ageSeconds: null,
        items: 0,
        error: 'STOOQ_API_KEY is not set',
        skip: { kind: 'missing-key', variable: 'STOOQ_API_KEY' },
      },
    ]);
    expect(rt.counters.get(counterKey('source.items', { source: 'finnhub' }))).toBe(30);
    expect(ticks[0]).toBe(-30);
    expect(ticks.at(-2)).toBe(30);
    expect(ticks.at(-1)).toBe(Infinity);
    for (const url of http.calls) expect(url.searchParams.get('token')).toBe('fh-key');
  });

  it('sorts by change ascending and cuts to --limit with a note', async () => {
    const rt = createFakeRuntime({ http: new StubHttp([finnhubReply()]), env: FINNHUB });
    const result = await runMarket(rt, options({ sort: 'change', ascending: true, limit: 5 }));
    expect(result.results).toHaveLength(5);
    const changes = result.results.map((r) => r.changePct ?? 0);
    expect(changes).toEqual([...changes].sort((a, b) => a - b));
    expect(result.notes).toContain('showing 5 of 30 symbols (--limit)');
  });

  it('splits 100 symbols across Finnhub and Alpha Vantage: 25 on the daily budget, 75 at Finnhub pace, none twice', async () => {
    const http = new StubHttp([finnhubReply(), alphaVantageReply()]);
    const rt = createFakeRuntime({ http, env: { ...FINNHUB, ...ALPHAVANTAGE } });
    const result = await runMarket(rt, options({ symbols: symbolsN(100) }));

    const viaFinnhub = symbolsAsked(http, 'finnhub.io');
    const viaAlphaVantage = symbolsAsked(http, 'www.alphavantage.co');
    expect(viaAlphaVantage).toHaveLength(25);
    expect(viaFinnhub).toHaveLength(75);
    expect([...viaFinnhub, ...viaAlphaVantage].sort()).toEqual(symbolsN(100));
    expect(rt.budgetUsed.get('alphavantage')).toBe(25);
    expect(result.results).toHaveLength(100);
    expect(result.sources.find((s) => s.name === 'alphavantage')).toMatchObject({ status: 'fresh', items: 25, error: null });
    expect(result.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'fresh', items: 75 });
  });

  it('prefers Stooq batches when they finish as early, and retries its unknowns on Finnhub, never on Alpha Vantage', async () => {
    const http = new StubHttp([stooqReply(stooqCsv(new Set(['FOO', 'BAR']))), finnhubReply(new Set(['FOO', 'BAR'])), alphaVantageReply()]);
    const rt = createFakeRuntime({ http, env: { ...FINNHUB, ...ALPHAVANTAGE, ...STOOQ } });
    const result = await runMarket(rt, options({ symbols: ['AAPL', 'FOO', 'MSFT', 'BAR'] }));

    expect(callsTo(http, 'stooq.com')).toHaveLength(1);
    expect(callsTo(http, 'stooq.com')[0]?.searchParams.get('s')).toBe('aapl.us,foo.us,msft.us,bar.us');
    expect(symbolsAsked(http, 'finnhub.io')).toEqual(['FOO', 'BAR']);
    expect(callsTo(http, 'www.alphavantage.co')).toHaveLength(0);
    expect(result.results.map((r) => r.symbol).sort()).toEqual(['AAPL', 'MSFT']);
    expect(result.results.find((r) => r.symbol === 'AAPL')).toMatchObject({
      name: 'Apple',
      sources: ['stooq'],
      volume: fakeQuote('AAPL').volume,
    });
    expect(result.notes).toContain('2 unknown: FOO, BAR');
    expect(result.notes.some((n) => n.includes("since today's open, not the previous close, for 2 symbols"))).toBe(true);
    expect(result.excluded).toEqual([
      { id: 'FOO', reason: 'unknown symbol' },
      { id: 'BAR', reason: 'unknown symbol' },
    ]);
    expect(result.sources.map((s) => [s.name, s.status, s.items])).toEqual([
      ['finnhub', 'fresh', 0],
      ['alphavantage', 'skipped', 0],
      ['stooq', 'fresh', 2],
    ]);
  });

  it('stops using Stooq after an HTML block page and moves its symbols to Finnhub', async () => {
    const page = '<!DOCTYPE html><html><body>Checking your browser…</body></html>';
    const http = new StubHttp([stooqReply(() => page, 'text/html'), finnhubReply()]);
    const rt = createFakeRuntime({ http, env: { ...FINNHUB, ...STOOQ } });
    const result = await runMarket(rt, options());

    expect(callsTo(http, 'stooq.com')).toHaveLength(1); // the second batch of 10 is never sent
    expect(symbolsAsked(http, 'finnhub.io').sort()).toEqual([...DEFAULT_UNIVERSE].sort());
    expect(result.results).toHaveLength(30);
    expect(result.sources.find((s) => s.name === 'stooq')).toMatchObject({
      status: 'failed',
      items: 0,
      error: expect.stringContaining('blocked (HTML page'),
    });
  });

  it('treats Alpha Vantage "Information" at HTTP 200 as a rate limit: stops using it, re-plans its symbols, spends no more budget today', async () => {
    const information = {
      Information: 'We have detected your API key as av-key and our standard API rate limit is 25 requests per day.',
    };
    const http = new StubHttp([finnhubReply(), alphaVantageReply(() => information)]);
    const clock = new ManualClock();
    const rt = createFakeRuntime({ http, env: { ...FINNHUB, ...ALPHAVANTAGE }, clock });
    const ledger = dailyLedger(clock);
    rt.budgets = ledger;
    const result = await runMarket(rt, options({ symbols: symbolsN(100) }));

    expect(callsTo(http, 'www.alphavantage.co')).toHaveLength(1);
    expect(symbolsAsked(http, 'finnhub.io')).toHaveLength(100);
    expect(result.results).toHaveLength(100);
    expect(ledger.used('alphavantage')).toBe(25);
    expect(result.sources.find((s) => s.name === 'alphavantage')).toMatchObject({
      status: 'failed',
      error: 'alphavantage rate limited: daily limit reached',
    });
  });

  it('treats an Alpha Vantage "Note" as a rate limit and an "Error Message" as a failure', async () => {
    for (const body of [
      { Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute.' },
      { 'Error Message': 'the parameter apikey is invalid or missing.' },
    ]) {
      const http = new StubHttp([alphaVantageReply(() => body)]);
      const rt = createFakeRuntime({ http, env: ALPHAVANTAGE });
      const result = await runMarket(rt, options({ symbols: ['IBM', 'KO'] }));
      expect(callsTo(http, 'www.alphavantage.co')).toHaveLength(1);
      expect(result.results).toEqual([]);
      expect(result.excluded).toEqual([
        { id: 'IBM', reason: 'no quote' },
        { id: 'KO', reason: 'no quote' },
      ]);
      expect(result.sources.find((s) => s.name === 'alphavantage')?.status).toBe('failed');
    }
  });
});

describe('runMarket: daily budget, resume, cache', () => {
  it('stops Alpha Vantage at 25 calls a day across runs and resumes the next day', async () => {
    const clock = new ManualClock(); // Sunday 2026-11-29 10:00 UTC: market closed
    const http = new StubHttp([alphaVantageReply()]);
    const rt = createFakeRuntime({ http, env: ALPHAVANTAGE, clock });
    const ledger = dailyLedger(clock);
    rt.budgets = ledger;
    const universe = [...DEFAULT_UNIVERSE];

    const first = await runMarket(rt, options());
    expect(callsTo(http, 'www.alphavantage.co')).toHaveLength(25);
    expect(ledger.used('alphavantage')).toBe(25);
    expect(first.results).toHaveLength(25);
    const unserved = universe.slice(25);
    expect(first.excluded).toEqual(unserved.map((id) => ({ id, reason: 'no quote' })));
    expect(first.sources.find((s) => s.name === 'alphavantage')).toMatchObject({
      status: 'fresh',
      items: 25,
      error: 'daily budget of 25 used',
    });

    // Later the same day: the cached 25 are served, no call is made, the budget is not exceeded.
    await clock.advance(60_000);
    http.calls.length = 0;
    const second = await runMarket(rt, options());
    expect(http.calls).toHaveLength(0);
    expect(second.results).toHaveLength(25);
    expect(second.sources.find((s) => s.name === 'alphavantage')).toMatchObject({
      status: 'cached',
      items: 25,
      error: 'daily budget of 25 used',
    });

    // The next UTC day the budget is back: the 5 never fetched go first, then 20 of the stale ones.
    clock.set(clock.now() + 24 * HOUR);
    const third = await runMarket(rt, options());
    const asked = symbolsAsked(http, 'www.alphavantage.co');
    expect(asked).toHaveLength(25);
    expect(asked.slice(0, 5)).toEqual(unserved);
    expect(ledger.used('alphavantage')).toBe(25);
    expect(third.results).toHaveLength(30); // 25 fresh + 5 stale from yesterday
    expect(third.sources.find((s) => s.name === 'alphavantage')).toMatchObject({
      status: 'stale',
      items: 30,
      error: 'daily budget of 25 used',
    });
  });

  it('never calls Alpha Vantage when another process took the last unit between planning and the call', async () => {
    const http = new StubHttp([alphaVantageReply()]);
    const rt = createFakeRuntime({ http, env: ALPHAVANTAGE });
    rt.budgets = { remaining: async () => 25, consume: async () => 0 };
    const result = await runMarket(rt, options({ symbols: ['IBM', 'KO'] }));
    expect(http.calls).toHaveLength(0);
    expect(result.sources.find((s) => s.name === 'alphavantage')).toMatchObject({ status: 'failed', error: 'daily budget of 25 used' });
  });

  it('resumes an interrupted scan: the second run fetches only the quotes the first did not cache', async () => {
    const stub = new StubHttp([finnhubReply()]);
    let answered = 0;
    const hanging: HttpGetter = {
      // The 11th request never returns: the process is killed there.
      request: (url, opts) => (answered++ < 10 ? stub.request(url, opts) : new Promise<HttpResponse>(() => {})),
      fetchText: async (url, opts) => (await hanging.request(url, opts)).text,
      fetchJson: async <T>(url: string, opts?: object) => JSON.parse(await hanging.fetchText(url, opts)) as T,
    };
    const rt = createFakeRuntime({ http: hanging, env: FINNHUB });
    void runMarket(rt, options());
    for (let i = 0; i < 50 && stub.calls.length < 10; i++) await flushMicrotasks();
    await flushMicrotasks();
    expect(stub.calls).toHaveLength(10);
    const firstTen = stub.calls.map(symbolOf);

    const second = new StubHttp([finnhubReply()]);
    rt.http = async () => second;
    const result = await runMarket(rt, options());
    expect(symbolsAsked(second, 'finnhub.io')).toEqual(DEFAULT_UNIVERSE.filter((s) => !firstTen.includes(s)));
    expect(result.results).toHaveLength(30);
    expect(result.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'fresh', items: 30 });
  });

  it('resumes from the real disk cache in a new process: only the quotes not on disk are fetched', async () => {
    const dir = await tempDir('qaht-market-cache-');
    const clock = new ManualClock(Date.parse('2026-11-30T16:00:00Z')); // Monday 11:00 New York: session open
    const universe = [...DEFAULT_UNIVERSE];

    // The first process got through 10 quotes before it was killed.
    const first = new StubHttp([finnhubReply()]);
    const rtFirst = { ...createFakeRuntime({ http: first, env: FINNHUB, clock }), cache: await DiskCache.open({ dir, clock }) };
    await runMarket(rtFirst, options({ symbols: universe.slice(0, 10) }));
    expect(first.calls).toHaveLength(10);

    await clock.advance(5 * 60_000); // within the 15 min session TTL
    const second = new StubHttp([finnhubReply()]);
    const rtSecond = { ...createFakeRuntime({ http: second, env: FINNHUB, clock }), cache: await DiskCache.open({ dir, clock }) };
    const result = await runMarket(rtSecond, options());
    expect(symbolsAsked(second, 'finnhub.io')).toEqual(universe.slice(10));
    expect(result.results).toHaveLength(30);

    // Past the session TTL everything is fetched again.
    await clock.advance(15 * 60_000);
    const third = new StubHttp([finnhubReply()]);
    rtSecond.http = async () => third;
    await runMarket(rtSecond, options());
    expect(third.calls).toHaveLength(30);
  });

  it('serves everything from cache within the TTL, and --force-refresh fetches again', async () => {
    const http = new StubHttp([finnhubReply()]);
    const clock = new ManualClock();
    const rt = createFakeRuntime({ http, env: FINNHUB, clock });
    await runMarket(rt, options());
    http.calls.length = 0;
    await clock.advance(5 * 60_000);

    const cached = await runMarket(rt, options());
    expect(http.calls).toHaveLength(0);
    expect(cached.results).toHaveLength(30);
    expect(cached.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'cached', items: 30, ageSeconds: 300 });

    rt.cache.mode = 'force-refresh';
    const forced = await runMarket(rt, options());
    expect(http.calls).toHaveLength(30);
    expect(forced.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'fresh', items: 30 });
  });

  it('re-fetches past the TTL and serves stale quotes when the source fails', async () => {
    const clock = new ManualClock();
    const rt = createFakeRuntime({ http: new StubHttp([finnhubReply()]), env: FINNHUB, clock });
    await runMarket(rt, options());
    await clock.advance(7 * HOUR); // past the 6 h closed-market TTL

    const failing = new StubHttp([{ match: () => true, status: 500, body: 'oops' }]);
    rt.http = async () => failing;
    const result = await runMarket(rt, options());
    expect(failing.calls).toHaveLength(3); // gives up on Finnhub after three failures in a row
    expect(result.results).toHaveLength(30);
    expect(result.sources.find((s) => s.name === 'finnhub')).toMatchObject({
      status: 'stale',
      items: 30,
      ageSeconds: 7 * 3600,
      error: 'HTTP 500 from finnhub.io',
    });
  });

  it('works --offline from the cache only, any age, and fails cleanly with nothing cached', async () => {
    const clock = new ManualClock();
    const http = new StubHttp([finnhubReply()]);
    const rt = createFakeRuntime({ http, env: FINNHUB, clock });

    rt.cache.mode = 'offline';
    const empty = await runMarket(rt, options({ symbols: ['AAPL'] }));
    expect(http.calls).toHaveLength(0);
    expect(empty.results).toEqual([]);
    expect(empty.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'failed', error: 'offline and nothing cached' });

    rt.cache.mode = 'normal';
    await runMarket(rt, options({ symbols: ['AAPL', 'MSFT'] }));
    http.calls.length = 0;
    await clock.advance(10 * HOUR);
    rt.cache.mode = 'offline';
    const offline = await runMarket(rt, options({ symbols: ['AAPL', 'MSFT', 'KO'] }));
    expect(http.calls).toHaveLength(0);
    expect(offline.results.map((r) => r.symbol).sort()).toEqual(['AAPL', 'MSFT']);
    expect(offline.sources.find((s) => s.name === 'finnhub')).toMatchObject({ status: 'stale', items: 2, error: 'offline' });
    expect(offline.notes).toContain('1 without a quote (offline and not cached): KO');

    // Offline needs no key: the quotes cached earlier still serve after the key is gone.
    const keyless = { ...rt, env: {} };
    const noKey = await runMarket(keyless, options({ symbols: ['AAPL', 'MSFT'] }));
    expect(http.calls).toHaveLength(0);
    expect(noKey.results.map((r) => r.symbol).sort()).toEqual(['AAPL', 'MSFT']);
  });
});

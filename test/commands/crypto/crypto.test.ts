import { describe, expect, it } from 'vitest';
import { DEFAULT_CRYPTO_LIMIT, DEFAULT_CRYPTO_OPTIONS, runCrypto, type CryptoOptions } from '../../../src/commands/crypto/run.js';
import type { CommonOptions } from '../../../src/runtime/runtime.js';
import type { LookupOptions } from '../../../src/store/cache-types.js';
import type { Env } from '../../../src/sources/source-names.js';
import { commonOptions, counterKey, createFakeRuntime, StubHttp, type StubReply } from '../../helpers/fake-runtime.js';

const ENV: Env = {
  SCREEN_COINGECKO_URL: 'http://cg.test/api/v3',
  SCREEN_BINANCE_URL: 'http://bn.test',
  SCREEN_COINCAP_URL: 'http://cc.test/v3',
  COINCAP_API_KEY: 'cc-key',
};

interface Coin {
  id: string;
  symbol: string;
  name: string;
  price: number;
  cap: number;
  volume: number;
  change24h: number;
}

/** n coins with descending caps; every fifth is cheap on volume so some get gated. */
function coins(n: number): Coin[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `coin-${i + 1}`,
    symbol: `c${i + 1}`,
    name: `Coin ${i + 1}`,
    price: 1000 / (i + 1),
    cap: 1e11 / (i + 1),
    volume: i % 5 === 4 ? 5e5 : 1e9 / (i + 1),
    change24h: ((i * 7) % 11) - 5,
  }));
}

function coingeckoBody(list: Coin[]): string {
  return JSON.stringify(
    list.map((c, i) => ({
      id: c.id,
      symbol: c.symbol,
      name: c.name,
      image: 'https://coin-images.coingecko.com/x.png',
      current_price: c.price,
      market_cap: c.cap,
      market_cap_rank: i + 1,
      total_volume: c.volume,
      price_change_percentage_24h: c.change24h,
      sparkline_in_7d: { price: Array.from({ length: 168 }, (_, h) => c.price * (0.9 + (0.1 * h) / 167)) },
      price_change_percentage_1h_in_currency: 0.1,
      price_change_percentage_24h_in_currency: c.change24h,
      price_change_percentage_7d_in_currency: 11,
      last_updated: '2026-11-29T09:59:30.000Z',
    })),
  );
}

function binanceTickerBody(list: Coin[]): string {
  return JSON.stringify(
    list.map((c) => ({
      symbol: `${c.symbol.toUpperCase()}USDT`,
      lastPrice: String(c.price),
      priceChangePercent: String(c.change24h),
      quoteVolume: String(c.volume / 3),
      count: 10,
    })),
  );
}

function exchangeInfoBody(list: Coin[]): string {
  return JSON.stringify({
    timezone: 'UTC',
    serverTime: 1,
    symbols: list.map((c) => ({
      symbol: `${c.symbol.toUpperCase()}USDT`,
      status: 'TRADING',
      baseAsset: c.symbol.toUpperCase(),
      quoteAsset: 'USDT',
    })),
  });
}

function coincapBody(list: Coin[]): string {
  return JSON.stringify({
    data: list.map((c, i) => ({
      id: c.id,
      rank: String(i + 1),
      symbol: c.symbol.toUpperCase(),
      name: c.name,
      priceUsd: String(c.price * 1.001),
      marketCapUsd: String(c.cap),
      volumeUsd24Hr: String(c.volume / 2),
      changePercent24Hr: String(c.change24h),
      vwap24Hr: null,
    })),
    timestamp: 1,
  });
}

function replies(
  list: Coin[],
  overrides: Partial<Record<'coingecko' | 'ticker' | 'exchangeInfo' | 'coincap', Partial<StubReply>>> = {},
): StubReply[] {
  return [
    { match: (u) => u.host === 'cg.test' && u.pathname === '/api/v3/coins/markets', body: coingeckoBody(list), ...overrides.coingecko },
    { match: (u) => u.host === 'bn.test' && u.pathname === '/api/v3/ticker/24hr', body: binanceTickerBody(list), ...overrides.ticker },
    {
      match: (u) => u.host === 'bn.test' && u.pathname === '/api/v3/exchangeInfo',
      body: exchangeInfoBody(list),
      ...overrides.exchangeInfo,
    },
    { match: (u) => u.host === 'cc.test' && u.pathname === '/v3/assets', body: coincapBody(list), ...overrides.coincap },
  ];
}

function options(overrides: Partial<CommonOptions & CryptoOptions> = {}): CommonOptions & CryptoOptions {
  return { ...commonOptions(), ...DEFAULT_CRYPTO_OPTIONS, ...overrides };
}

describe('runCrypto', () => {
  it('with every source up: three fresh reports, ranked rows from all three, exclusions with reasons', async () => {
    const list = coins(80);
    const http = new StubHttp(replies(list));
    const rt = createFakeRuntime({ http, env: ENV });
    const result = await runCrypto(rt, options());

    expect(result.command).toBe('crypto');
    expect(result.generatedAt).toBe(new Date(rt.clock.now()).toISOString());
    expect(result.sources.map((s) => [s.name, s.status, s.items, s.error])).toEqual([
      ['coingecko', 'fresh', 80, null],
      ['binance', 'fresh', 80, null],
      ['coincap', 'fresh', 80, null],
    ]);
    expect(result.results).toHaveLength(DEFAULT_CRYPTO_LIMIT);
    expect(result.results[0]!.sources).toEqual(['coingecko', 'binance', 'coincap']);
    const scores = result.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(result.excluded).toHaveLength(16);
    expect(result.excluded![0]).toEqual({ id: 'coin-5', reason: 'volume below $1M' });
    expect(result.notes).toContain('16 excluded: volume below $1M 16');
    expect(result.notes).toContain('showing 50 of 64 coins (--limit)');
    expect(rt.counters.get(counterKey('source.items', { source: 'coingecko' }))).toBe(80);
    // One request each; the CoinCap key travels in a header, never in a URL.
    expect(http.calls.map((u) => `${u.host}${u.pathname}`).sort()).toEqual([
      'bn.test/api/v3/exchangeInfo',
      'bn.test/api/v3/ticker/24hr',
      'cc.test/v3/assets',
      'cg.test/api/v3/coins/markets',
    ]);
    expect(http.calls.some((u) => u.href.includes('cc-key'))).toBe(false);
  });

  it('with one source down: partial results, that source failed with its reason, the others fresh', async () => {
    const list = coins(30);
    const rt = createFakeRuntime({ http: new StubHttp(replies(list, { ticker: { status: 503 } })), env: ENV });
    const result = await runCrypto(rt, options());
    const binance = result.sources.find((s) => s.name === 'binance')!;
    expect(binance).toMatchObject({ status: 'failed', fetchedAt: null, items: 0, error: 'HTTP 503 from bn.test' });
    expect(result.sources.filter((s) => s.status === 'fresh').map((s) => s.name)).toEqual(['coingecko', 'coincap']);
    expect(result.results.length).toBeGreaterThan(0);
    expect(result.results.every((r) => !r.sources.includes('binance'))).toBe(true);
  });

  it('skips CoinCap without a key, naming the variable, and never calls it', async () => {
    const http = new StubHttp(replies(coins(10)));
    const { COINCAP_API_KEY: _unused, ...env } = ENV;
    const rt = createFakeRuntime({ http, env });
    const result = await runCrypto(rt, options());
    expect(result.sources.find((s) => s.name === 'coincap')).toEqual({
      name: 'coincap',
      status: 'skipped',
      fetchedAt: null,
      ageSeconds: null,
      items: 0,
      error: 'COINCAP_API_KEY is not set',
      skip: { kind: 'missing-key', variable: 'COINCAP_API_KEY' },
    });
    expect(http.calls.some((u) => u.host === 'cc.test')).toBe(false);
    expect(result.results[0]!.sources).toEqual(['coingecko', 'binance']);
  });

  it('when CoinGecko changed shape: it fails with "unexpected data" and CoinCap becomes the universe', async () => {
    const rt = createFakeRuntime({ http: new StubHttp(replies(coins(10), { coingecko: { body: '{"coins":[]}' } })), env: ENV });
    const result = await runCrypto(rt, options());
    expect(result.sources[0]).toMatchObject({
      name: 'coingecko',
      status: 'failed',
      error: expect.stringMatching(/^coingecko returned unexpected data: /),
    });
    expect(result.results.length).toBeGreaterThan(0);
    expect(result.results[0]!.sources).toEqual(['binance', 'coincap']);
    expect(result.notes[0]).toMatch(/CoinCap defines the coin list/);
  });

  it('follows a comma-separated SCREEN_BINANCE_URL past a 451 host, with a warning', async () => {
    const list = coins(10);
    const http = new StubHttp([{ match: (u) => u.host === 'blocked.test', status: 451, body: '' }, ...replies(list)]);
    const rt = createFakeRuntime({ http, env: { ...ENV, SCREEN_BINANCE_URL: 'http://blocked.test,http://bn.test' } });
    const result = await runCrypto(rt, options());
    expect(result.sources[1]).toMatchObject({ name: 'binance', status: 'fresh', items: 10 });
    expect(rt.warnings).toEqual(['binance: blocked.test refused (HTTP 451); trying bn.test']);
    expect(rt.counters.get(counterKey('source.host_fallbacks', { source: 'binance' }))).toBe(1);
  });

  it('caches exchangeInfo under its own day-long key, per host', async () => {
    const rt = createFakeRuntime({ http: new StubHttp(replies(coins(5))), env: ENV });
    const lookups: Array<LookupOptions<unknown>> = [];
    const lookup = rt.cache.lookup.bind(rt.cache);
    rt.cache.lookup = (request) => {
      lookups.push(request as LookupOptions<unknown>);
      return lookup(request);
    };
    rt.cache.mode = 'force-refresh';
    await runCrypto(rt, options());
    expect(lookups.map((l) => [l.key, l.ttlMs])).toEqual(
      expect.arrayContaining([
        ['coingecko:coins/markets?vs_currency=usd&top=250', 60_000],
        ['binance:api/v3/ticker/24hr?quotes=usd', 60_000],
        ['binance:api/v3/exchangeInfo@bn.test', 24 * 3600_000],
        ['coincap:assets?limit=250', 60_000],
      ]),
    );
    expect(lookups.find((l) => l.key.includes('exchangeInfo'))).toMatchObject({ source: 'binance' });
  });

  it('pages CoinGecko for --top over 250 with progress', async () => {
    const list = coins(600);
    const http = new StubHttp(
      replies(list, {
        coingecko: {
          body: (u) => coingeckoBody(list.slice((Number(u.searchParams.get('page')) - 1) * 250, Number(u.searchParams.get('page')) * 250)),
        },
      }),
    );
    const rt = createFakeRuntime({ http, env: ENV });
    const events: string[] = [];
    rt.progress = {
      start: (_label, total) => events.push(`start ${total}`),
      tick: (done) => events.push(`tick ${done}`),
      stop: () => events.push('stop'),
      end: () => events.push('end'),
    };
    const result = await runCrypto(rt, options({ top: 600, limit: 1000 }));
    expect(http.calls.filter((u) => u.host === 'cg.test').map((u) => u.searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(events).toEqual(['start 3', 'tick 1', 'tick 2', 'tick 3', 'stop']);
    expect(result.sources[0]!.items).toBe(600);
    expect(http.calls.find((u) => u.host === 'cc.test')!.searchParams.get('limit')).toBe('600');
  });

  it('honours --limit, --sort, --asc and the filters', async () => {
    const rt = createFakeRuntime({ http: new StubHttp(replies(coins(40))), env: ENV });
    const result = await runCrypto(
      rt,
      options({ limit: 3, sort: 'mcap', ascending: true, maxRank: 10, symbols: ['c1', 'C2', 'c3', 'c4'] }),
    );
    expect(result.results.map((r) => r.symbol)).toEqual(['C4', 'C3', 'C2']);
  });
});

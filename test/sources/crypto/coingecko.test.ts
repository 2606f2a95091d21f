import { describe, expect, it } from 'vitest';
import { QahtError } from '../../../src/errors.js';
import { COINGECKO_PAGE_SIZE, fetchCoinGeckoMarkets } from '../../../src/sources/coingecko.js';
import { StubHttp } from '../../helpers/fake-runtime.js';
import { RecordingHttp } from './recording-http.js';

const BASE = 'http://cg.test/api/v3';

/** A CoinGecko `/coins/markets` item with every key the real API sends. */
function market(id: string, rank: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    symbol: id.slice(0, 3),
    name: id[0]!.toUpperCase() + id.slice(1),
    image: `https://coin-images.coingecko.com/coins/images/1/large/${id}.png`,
    current_price: 100 / rank,
    market_cap: 1e12 / rank,
    market_cap_rank: rank,
    fully_diluted_valuation: null,
    total_volume: 1e10 / rank,
    high_24h: 101,
    low_24h: 99,
    price_change_24h: 1.2,
    price_change_percentage_24h: 1.2,
    market_cap_change_24h: 1,
    market_cap_change_percentage_24h: 1.1,
    circulating_supply: 19_800_000,
    total_supply: 19_800_000,
    max_supply: null,
    ath: 200,
    ath_change_percentage: -50,
    ath_date: '2024-03-14T07:10:36.635Z',
    atl: 1,
    atl_change_percentage: 9000,
    atl_date: '2013-07-06T00:00:00.000Z',
    roi: null,
    last_updated: '2026-11-29T09:59:30.000Z',
    sparkline_in_7d: { price: [99, 99.5, 100.2] },
    price_change_percentage_1h_in_currency: 0.3,
    price_change_percentage_24h_in_currency: 1.25,
    price_change_percentage_7d_in_currency: -4.5,
    ...overrides,
  };
}

function page(count: number, offset: number): string {
  return JSON.stringify(Array.from({ length: count }, (_, i) => market(`coin${offset + i + 1}`, offset + i + 1)));
}

describe('fetchCoinGeckoMarkets', () => {
  it('builds the documented request and maps numbers, changes and the sparkline', async () => {
    const http = new StubHttp([
      {
        match: (u) => u.pathname === '/api/v3/coins/markets',
        body: JSON.stringify([market('bitcoin', 1, { symbol: 'btc', name: 'Bitcoin' })]),
      },
    ]);
    const coins = await fetchCoinGeckoMarkets(http, { baseUrl: BASE, top: 250 });
    const url = http.calls[0]!;
    expect(Object.fromEntries(url.searchParams)).toEqual({
      vs_currency: 'usd',
      order: 'market_cap_desc',
      per_page: '250',
      page: '1',
      sparkline: 'true',
      price_change_percentage: '1h,24h,7d',
    });
    expect(coins).toEqual([
      {
        id: 'bitcoin',
        symbol: 'btc',
        name: 'Bitcoin',
        rank: 1,
        priceUsd: 100,
        marketCapUsd: 1e12,
        volume24hUsd: 1e10,
        change1hPct: 0.3,
        change24hPct: 1.25,
        change7dPct: -4.5,
        sparkline7d: [99, 99.5, 100.2],
      },
    ]);
  });

  it('sends the demo key as x-cg-demo-api-key and lists it as a secret', async () => {
    const http = new RecordingHttp([{ match: () => true, body: '[]' }]);
    await fetchCoinGeckoMarkets(http, { baseUrl: BASE, apiKey: 'CG-secret', top: 10 });
    expect(http.options[0]).toMatchObject({ headers: { 'x-cg-demo-api-key': 'CG-secret' }, secrets: ['CG-secret'], source: 'coingecko' });
    expect(http.calls[0]!.search).not.toContain('CG-secret');
  });

  it('maps nulls to null (never NaN) and falls back to price_change_percentage_24h', async () => {
    const item = market('newcoin', 1, {
      current_price: null,
      market_cap: null,
      market_cap_rank: null,
      total_volume: null,
      price_change_percentage_24h_in_currency: undefined,
      price_change_percentage_1h_in_currency: null,
      price_change_percentage_24h: 3.5,
      sparkline_in_7d: { price: [] },
    });
    delete item.price_change_percentage_24h_in_currency;
    delete item.price_change_percentage_7d_in_currency;
    const http = new StubHttp([{ match: () => true, body: JSON.stringify([item]) }]);
    const [coin] = await fetchCoinGeckoMarkets(http, { baseUrl: BASE, top: 1 });
    expect(coin).toMatchObject({
      priceUsd: null,
      marketCapUsd: null,
      rank: null,
      volume24hUsd: null,
      change1hPct: null,
      change24hPct: 3.5,
      change7dPct: null,
      sparkline7d: null,
    });
  });

  it('fetches ceil(top/250) pages in order with progress, and cuts to top', async () => {
    const events: string[] = [];
    const progress = {
      start: (label: string, total: number) => events.push(`start ${label} ${total}`),
      tick: (done: number) => events.push(`tick ${done}`),
      stop: () => events.push('stop'),
    };
    const http = new StubHttp([
      { match: () => true, body: (u) => page(COINGECKO_PAGE_SIZE, (Number(u.searchParams.get('page')) - 1) * COINGECKO_PAGE_SIZE) },
    ]);
    const coins = await fetchCoinGeckoMarkets(http, { baseUrl: BASE, top: 600, progress });
    expect(http.calls.map((u) => u.searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(coins).toHaveLength(600);
    expect(coins[599]!.id).toBe('coin600');
    expect(events).toEqual(['start coingecko pages 3', 'tick 1', 'tick 2', 'tick 3', 'stop']);
  });

  it('does not draw progress for a single page, stops at a short page and drops repeats across pages', async () => {
    const events: string[] = [];
    const progress = { start: () => events.push('start'), tick: () => events.push('tick'), stop: () => events.push('stop') };
    const single = new StubHttp([{ match: () => true, body: page(3, 0) }]);
    await fetchCoinGeckoMarkets(single, { baseUrl: BASE, top: 250, progress });
    expect(events).toEqual([]);

    // Page 2 repeats the last coin of page 1 (ranks shifted between requests) and is short.
    const http = new StubHttp([
      { match: (u) => u.searchParams.get('page') === '1', body: page(COINGECKO_PAGE_SIZE, 0) },
      { match: (u) => u.searchParams.get('page') === '2', body: JSON.stringify([market('coin250', 250), market('coin251', 251)]) },
    ]);
    const coins = await fetchCoinGeckoMarkets(http, { baseUrl: BASE, top: 750 });
    expect(http.calls).toHaveLength(2);
    expect(coins.map((c) => c.id).slice(-2)).toEqual(['coin250', 'coin251']);
    expect(coins).toHaveLength(251);
  });

  it('reports a changed shape as "coingecko returned unexpected data"', async () => {
    const http = new StubHttp([{ match: () => true, body: JSON.stringify([market('bitcoin', 1, { current_price: '96000.5' })]) }]);
    const error = await fetchCoinGeckoMarkets(http, { baseUrl: BASE, top: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QahtError);
    expect(error).toMatchObject({ code: 'QAHT_ERR_INVALID_DATA' });
    expect((error as Error).message).toMatch(/^coingecko returned unexpected data: 0\.current_price: /);

    const renamed = market('bitcoin', 1);
    delete renamed.current_price;
    const http2 = new StubHttp([{ match: () => true, body: JSON.stringify([renamed]) }]);
    await expect(fetchCoinGeckoMarkets(http2, { baseUrl: BASE, top: 1 })).rejects.toThrow(
      /coingecko returned unexpected data: 0\.current_price/,
    );

    const http3 = new StubHttp([{ match: () => true, body: JSON.stringify({ coins: [] }) }]);
    await expect(fetchCoinGeckoMarkets(http3, { baseUrl: BASE, top: 1 })).rejects.toMatchObject({ code: 'QAHT_ERR_INVALID_DATA' });
  });

  it('classifies the 429 body, other error bodies and a Cloudflare page at HTTP 200', async () => {
    const rateLimited = JSON.stringify({
      status: {
        error_code: 429,
        error_message:
          "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits.",
      },
    });
    await expect(
      fetchCoinGeckoMarkets(new StubHttp([{ match: () => true, body: rateLimited }]), { baseUrl: BASE, top: 1 }),
    ).rejects.toMatchObject({
      code: 'QAHT_ERR_RATE_LIMITED',
      message: expect.stringMatching(/^coingecko rate limit: You've exceeded the Rate Limit/),
    });

    const nested = JSON.stringify({ error: { status: { error_code: 10002, error_message: 'API Key Missing' } } });
    await expect(
      fetchCoinGeckoMarkets(new StubHttp([{ match: () => true, body: nested }]), { baseUrl: BASE, top: 1 }),
    ).rejects.toMatchObject({
      code: 'QAHT_ERR_HTTP_STATUS',
      message: 'coingecko error 10002: API Key Missing',
    });

    const cloudflare = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Cloudflare Ray ID: 8a1b</body></html>';
    await expect(
      fetchCoinGeckoMarkets(new StubHttp([{ match: () => true, body: cloudflare, headers: { 'content-type': 'text/html' } }]), {
        baseUrl: BASE,
        top: 1,
      }),
    ).rejects.toMatchObject({
      code: 'QAHT_ERR_RATE_LIMITED',
    });

    const otherHtml = '<html><body>Maintenance</body></html>';
    await expect(
      fetchCoinGeckoMarkets(new StubHttp([{ match: () => true, body: otherHtml }]), { baseUrl: BASE, top: 1 }),
    ).rejects.toMatchObject({
      code: 'QAHT_ERR_INVALID_DATA',
      message: 'coingecko returned unexpected data: an HTML page instead of JSON',
    });
  });

  it("passes the client's 429 through unchanged", async () => {
    const http = new StubHttp([{ match: () => true, status: 429, body: '' }]);
    await expect(fetchCoinGeckoMarkets(http, { baseUrl: BASE, top: 1 })).rejects.toMatchObject({
      code: 'QAHT_ERR_RATE_LIMITED',
      status: 429,
    });
  });
});

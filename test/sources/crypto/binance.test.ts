import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../../../src/errors.js';
import type { HttpResponse, RequestOptions } from '../../../src/http/types.js';
import { fetchBinanceUsdAssets, fetchBinanceUsdSymbols } from '../../../src/sources/binance.js';
import type { BinanceUsdSymbol } from '../../../src/sources/crypto/binance-usd-assets.js';
import { BINANCE_FALLBACK_BASE_URLS, baseUrlsFor } from '../../../src/sources/source-names.js';
import { StubHttp } from '../../helpers/fake-runtime.js';

/** A full `ticker/24hr` entry as Binance sends it: prices and quantities as strings. */
function ticker(symbol: string, lastPrice: string, quoteVolume: string, priceChangePercent = '1.500'): Record<string, unknown> {
  return {
    symbol,
    priceChange: '1.00',
    priceChangePercent,
    weightedAvgPrice: lastPrice,
    prevClosePrice: lastPrice,
    lastPrice,
    lastQty: '0.01',
    bidPrice: lastPrice,
    bidQty: '1.2',
    askPrice: lastPrice,
    askQty: '0.8',
    openPrice: lastPrice,
    highPrice: lastPrice,
    lowPrice: lastPrice,
    volume: '100.0',
    quoteVolume,
    openTime: 1_764_324_000_000,
    closeTime: 1_764_410_399_999,
    firstId: 28385,
    lastId: 28460,
    count: 76,
  };
}

function exchangeSymbol(symbol: string, baseAsset: string, quoteAsset: string, status = 'TRADING'): Record<string, unknown> {
  return {
    symbol,
    status,
    baseAsset,
    baseAssetPrecision: 8,
    quoteAsset,
    quotePrecision: 8,
    orderTypes: ['LIMIT', 'MARKET'],
    filters: [],
    permissionSets: [['SPOT']],
  };
}

const EXCHANGE_INFO = JSON.stringify({
  timezone: 'UTC',
  serverTime: 1_764_410_000_000,
  rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
  exchangeFilters: [],
  symbols: [
    exchangeSymbol('BTCUSDT', 'BTC', 'USDT'),
    exchangeSymbol('BTCUSDC', 'BTC', 'USDC'),
    exchangeSymbol('BTCFDUSD', 'BTC', 'FDUSD'),
    exchangeSymbol('ETHBTC', 'ETH', 'BTC'),
    exchangeSymbol('ETHUSDT', 'ETH', 'USDT'),
    exchangeSymbol('LUNAUSDT', 'LUNA', 'USDT', 'BREAK'),
  ],
});

const TICKERS = JSON.stringify([
  ticker('BTCUSDT', '96005.00', '855000000.10', '-0.098'),
  ticker('BTCUSDC', '96010.00', '120000000.00', '0.100'),
  ticker('BTCFDUSD', '96001.00', '300000000.00', '0.050'),
  ticker('ETHBTC', '0.0361', '1000.5'),
  ticker('ETHUSDT', '3450.10', '400000000.00', '2.100'),
  ticker('LUNAUSDT', '0.00000000', '0.00'),
  ticker('NEWUSDT', '1.00', '5000000.00'),
]);

describe("Binance's base URLs (baseUrlsFor)", () => {
  it('uses the fallback chain by default, a comma list or a single host when overridden', () => {
    expect(baseUrlsFor('binance', {})).toEqual([...BINANCE_FALLBACK_BASE_URLS]);
    expect(baseUrlsFor('binance', { SCREEN_BINANCE_URL: 'http://127.0.0.1:9001/ , http://127.0.0.1:9002/x/' })).toEqual([
      'http://127.0.0.1:9001',
      'http://127.0.0.1:9002/x',
    ]);
    expect(baseUrlsFor('binance', { SCREEN_BINANCE_URL: 'http://127.0.0.1:9001' })).toEqual(['http://127.0.0.1:9001']);
  });
});

describe('fetchBinanceUsdSymbols', () => {
  it('keeps TRADING symbols quoted in USDT/USDC/FDUSD/USD', async () => {
    const http = new StubHttp([{ match: (u) => u.pathname === '/api/v3/exchangeInfo', body: EXCHANGE_INFO }]);
    expect(await fetchBinanceUsdSymbols(http, 'http://bn.test')).toEqual([
      { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' },
      { symbol: 'BTCUSDC', base: 'BTC', quote: 'USDC' },
      { symbol: 'BTCFDUSD', base: 'BTC', quote: 'FDUSD' },
      { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
    ]);
  });

  it('reports a changed shape as unexpected data', async () => {
    const http = new StubHttp([
      { match: () => true, body: JSON.stringify({ symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', base: 'BTC' }] }) },
    ]);
    await expect(fetchBinanceUsdSymbols(http, 'http://bn.test')).rejects.toThrow(
      /^binance returned unexpected data: symbols\.0\.baseAsset/,
    );
  });
});

describe('fetchBinanceUsdAssets', () => {
  const symbolsOf = (http: StubHttp) => (baseUrl: string) => fetchBinanceUsdSymbols(http, baseUrl);

  it('sums USD-quoted volume per base asset and prices from the most liquid pair', async () => {
    const http = new StubHttp([
      { match: (u) => u.pathname === '/api/v3/ticker/24hr', body: TICKERS },
      { match: (u) => u.pathname === '/api/v3/exchangeInfo', body: EXCHANGE_INFO },
    ]);
    const assets = await fetchBinanceUsdAssets(http, { baseUrls: ['http://bn.test'], loadSymbols: symbolsOf(http) });
    expect(http.calls[0]!.search).toBe('');
    expect(assets).toEqual([
      { base: 'BTC', priceUsd: 96005, change24hPct: -0.098, volume24hUsd: 855000000.1 + 120000000 + 300000000, pricePair: 'BTCUSDT' },
      { base: 'ETH', priceUsd: 3450.1, change24hPct: 2.1, volume24hUsd: 400000000, pricePair: 'ETHUSDT' },
    ]);
  });

  it('falls back to the next host on 451 and on 403, and asks that host for its symbols', async () => {
    const http = new StubHttp([
      { match: (u) => u.host === 'blocked.test', status: 451, body: '{"code":0,"msg":"Service unavailable from a restricted location"}' },
      { match: (u) => u.host === 'waf.test', status: 403, body: '' },
      { match: (u) => u.host === 'ok.test' && u.pathname === '/api/v3/ticker/24hr', body: TICKERS },
      { match: (u) => u.host === 'ok.test' && u.pathname === '/api/v3/exchangeInfo', body: EXCHANGE_INFO },
    ]);
    const fallbacks: string[] = [];
    const asked: string[] = [];
    const assets = await fetchBinanceUsdAssets(http, {
      baseUrls: ['http://blocked.test', 'http://waf.test', 'http://ok.test'],
      loadSymbols: (baseUrl) => {
        asked.push(baseUrl);
        return fetchBinanceUsdSymbols(http, baseUrl);
      },
      onFallback: (from, reason, next) => fallbacks.push(`${from} ${reason} -> ${next}`),
    });
    expect(assets.map((a) => a.base)).toEqual(['BTC', 'ETH']);
    expect(fallbacks).toEqual(['http://blocked.test HTTP 451 -> http://waf.test', 'http://waf.test HTTP 403 -> http://ok.test']);
    expect(asked).toEqual(['http://ok.test']);
    expect(http.calls.map((u) => u.host)).toEqual(['blocked.test', 'waf.test', 'ok.test', 'ok.test']);
  });

  it('moves past a host whose breaker is open', async () => {
    class OpenBreakerHttp extends StubHttp {
      override async request(url: string, options?: RequestOptions): Promise<HttpResponse> {
        if (url.startsWith('http://open.test')) throw new CircuitOpenError(30_000);
        return super.request(url, options);
      }
    }
    const http = new OpenBreakerHttp([
      { match: (u) => u.pathname === '/api/v3/ticker/24hr', body: TICKERS },
      { match: (u) => u.pathname === '/api/v3/exchangeInfo', body: EXCHANGE_INFO },
    ]);
    const assets = await fetchBinanceUsdAssets(http, { baseUrls: ['http://open.test', 'http://ok.test'], loadSymbols: symbolsOf(http) });
    expect(assets.map((a) => a.base)).toEqual(['BTC', 'ETH']);
  });

  it('fails with every refusal listed when all hosts refuse, and does not fall back on other errors', async () => {
    const refused = new StubHttp([{ match: () => true, status: 451, body: '' }]);
    await expect(
      fetchBinanceUsdAssets(refused, { baseUrls: ['http://a.test', 'http://b.test'], loadSymbols: symbolsOf(refused) }),
    ).rejects.toMatchObject({
      code: 'QAHT_ERR_HTTP_STATUS',
      status: 451,
      message: 'binance: every host refused (a.test HTTP 451, b.test HTTP 451)',
    });

    const down = new StubHttp([
      { match: (u) => u.host === 'a.test', status: 503, body: '' },
      { match: () => true, body: TICKERS },
    ]);
    await expect(
      fetchBinanceUsdAssets(down, { baseUrls: ['http://a.test', 'http://b.test'], loadSymbols: symbolsOf(down) }),
    ).rejects.toMatchObject({ status: 503 });
    expect(down.calls.map((u) => u.host)).toEqual(['a.test']);
  });

  it('reports a changed ticker shape or an error object at HTTP 200 as unexpected data', async () => {
    const changed = new StubHttp([{ match: () => true, body: JSON.stringify([{ s: 'BTCUSDT', c: '96005.0' }]) }]);
    await expect(fetchBinanceUsdAssets(changed, { baseUrls: ['http://bn.test'], loadSymbols: async () => [] })).rejects.toThrow(
      /^binance returned unexpected data: 0\.symbol/,
    );

    const errorBody = new StubHttp([{ match: () => true, body: '{"code":-1003,"msg":"Too much request weight used."}' }]);
    await expect(fetchBinanceUsdAssets(errorBody, { baseUrls: ['http://bn.test'], loadSymbols: async () => [] })).rejects.toThrow(
      'binance returned unexpected data: error -1003: Too much request weight used.',
    );
  });

  it('ignores symbols missing from the TRADING list and unparseable numbers', async () => {
    const symbols: BinanceUsdSymbol[] = [{ symbol: 'XYZUSDT', base: 'XYZ', quote: 'USDT' }];
    const http = new StubHttp([
      { match: () => true, body: JSON.stringify([ticker('XYZUSDT', 'n/a', 'oops'), ticker('BTCUSDT', '1', '1')]) },
    ]);
    const assets = await fetchBinanceUsdAssets(http, { baseUrls: ['http://bn.test'], loadSymbols: async () => symbols });
    expect(assets).toEqual([{ base: 'XYZ', priceUsd: null, change24hPct: null, volume24hUsd: 0, pricePair: '' }]);
  });
});

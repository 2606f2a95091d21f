import { describe, expect, it } from 'vitest';
import { fetchCoinCapAssets } from '../../../src/sources/coincap.js';
import { StubHttp } from '../../helpers/fake-runtime.js';
import { RecordingHttp } from './recording-http.js';

const BASE = 'http://cc.test/v3';

const V3_BODY = JSON.stringify({
  data: [
    {
      id: 'bitcoin',
      rank: '1',
      symbol: 'BTC',
      name: 'Bitcoin',
      supply: '19800000.0000000000000000',
      maxSupply: '21000000.0000000000000000',
      marketCapUsd: '1900000000000.12',
      volumeUsd24Hr: '12700000000.5',
      priceUsd: '96243.89',
      changePercent24Hr: '0.97',
      vwap24Hr: '95583.46',
      explorer: 'https://blockchain.info/',
      tokens: {},
    },
    {
      id: 'ethereum',
      rank: 2,
      symbol: 'ETH',
      name: 'Ethereum',
      supply: '120000000',
      maxSupply: null,
      marketCapUsd: '410000000000',
      volumeUsd24Hr: '9000000000',
      priceUsd: '3131.23',
      changePercent24Hr: null,
      vwap24Hr: null,
      explorer: 'https://etherscan.io/',
    },
    {
      id: 'odd',
      rank: 'n/a',
      symbol: 'ODD',
      name: 'Odd',
      priceUsd: 'NaN',
      marketCapUsd: '',
      volumeUsd24Hr: null,
      changePercent24Hr: '-1.5',
    },
  ],
  timestamp: 1_764_410_000_000,
});

describe('fetchCoinCapAssets', () => {
  it('sends the key as a Bearer header (never in the URL) and asks for the limit', async () => {
    const http = new RecordingHttp([{ match: (u) => u.pathname === '/v3/assets', body: V3_BODY }]);
    await fetchCoinCapAssets(http, { baseUrl: BASE, apiKey: 'cc-secret', limit: 250 });
    expect(http.calls[0]!.searchParams.get('limit')).toBe('250');
    expect(http.calls[0]!.href).not.toContain('cc-secret');
    expect(http.options[0]).toMatchObject({ headers: { authorization: 'Bearer cc-secret' }, secrets: ['cc-secret'], source: 'coincap' });
  });

  it('caps the limit at 2000', async () => {
    const http = new StubHttp([{ match: () => true, body: V3_BODY }]);
    await fetchCoinCapAssets(http, { baseUrl: BASE, apiKey: 'k', limit: 5000 });
    expect(http.calls[0]!.searchParams.get('limit')).toBe('2000');
  });

  it('parses numeric strings, accepts rank as string or number, and turns nulls and garbage into null', async () => {
    const http = new StubHttp([{ match: () => true, body: V3_BODY }]);
    const coins = await fetchCoinCapAssets(http, { baseUrl: BASE, apiKey: 'k', limit: 3 });
    expect(coins[0]).toEqual({
      id: 'bitcoin',
      symbol: 'BTC',
      name: 'Bitcoin',
      rank: 1,
      priceUsd: 96243.89,
      marketCapUsd: 1900000000000.12,
      volume24hUsd: 12700000000.5,
      change1hPct: null,
      change24hPct: 0.97,
      change7dPct: null,
      sparkline7d: null,
    });
    expect(coins[1]).toMatchObject({ rank: 2, change24hPct: null });
    expect(coins[2]).toMatchObject({ rank: null, priceUsd: null, marketCapUsd: null, volume24hUsd: null, change24hPct: -1.5 });
  });

  it('reports the v2 deprecation object (HTTP 200, data is an object) as unexpected data', async () => {
    const body = JSON.stringify({
      data: {
        message:
          'We are deprecating this version of the CoinCap API on March 31, 2025. Sign up for our new V3 API at https://pro.coincap.io/dashboard',
      },
      timestamp: 1_744_157_618_987,
    });
    const http = new StubHttp([{ match: () => true, body }]);
    await expect(fetchCoinCapAssets(http, { baseUrl: BASE, apiKey: 'k', limit: 10 })).rejects.toMatchObject({
      code: 'QAHT_ERR_INVALID_DATA',
      message: expect.stringMatching(/^coincap returned unexpected data: data is an object: "We are deprecating this version/),
    });
  });

  it('reports other shape changes as unexpected data, and error bodies as errors', async () => {
    const changed = new StubHttp([
      { match: () => true, body: JSON.stringify({ data: [{ id: 'bitcoin', symbol: 'BTC', name: 'Bitcoin', priceUsd: { usd: 1 } }] }) },
    ]);
    await expect(fetchCoinCapAssets(changed, { baseUrl: BASE, apiKey: 'k', limit: 1 })).rejects.toThrow(
      /^coincap returned unexpected data: data\.0\.priceUsd/,
    );

    const limited = new StubHttp([{ match: () => true, body: JSON.stringify({ error: 'Rate limit exceeded' }) }]);
    await expect(fetchCoinCapAssets(limited, { baseUrl: BASE, apiKey: 'k', limit: 1 })).rejects.toMatchObject({
      code: 'QAHT_ERR_RATE_LIMITED',
    });
  });

  it("passes the client's 401 (bad key) through", async () => {
    const http = new StubHttp([{ match: () => true, status: 401, body: '' }]);
    await expect(fetchCoinCapAssets(http, { baseUrl: BASE, apiKey: 'bad', limit: 1 })).rejects.toMatchObject({
      code: 'QAHT_ERR_HTTP_STATUS',
      status: 401,
    });
  });
});

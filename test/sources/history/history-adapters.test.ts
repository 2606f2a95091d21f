import { describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../../src/candle.js';
import { fetchKlines, klinesUrl } from '../../../src/sources/history/binance-klines.js';
import { dailyBarsFromChart, fetchMarketChart } from '../../../src/sources/history/coingecko-market-chart.js';
import { fetchGroupedDaily } from '../../../src/sources/history/massive-grouped-daily.js';
import { StubHttp } from '../../helpers/fake-runtime.js';

const DAY = INTERVAL_MS['1d'];
const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);
const TODAY = Date.UTC(2026, 11, 7);

function row(open: number, close: string): unknown[] {
  return [open, '1.0', '2.0', '0.5', close, '10', open + DAY - 1, '15.5', 7, '5', '7.7', '0'];
}

describe('Binance klines', () => {
  it('drops the candle still open and keeps the closed ones, oldest first, with quote volume', async () => {
    const http = new StubHttp([
      {
        match: (url) => url.pathname === '/api/v3/klines',
        body: JSON.stringify([row(TODAY - 2 * DAY, '1.1'), row(TODAY - DAY, '1.2'), row(TODAY, '9.9')]),
        headers: { 'x-mbx-used-weight-1m': '42' },
      },
    ]);
    const answer = await fetchKlines(http, { baseUrl: 'http://b', symbol: 'BTCUSDT', interval: '1d', nowMs: NOW });
    expect(answer.series.openTime).toEqual([TODAY - 2 * DAY, TODAY - DAY]);
    expect(answer.series.close).toEqual([1.1, 1.2]);
    expect(answer.series.quoteVolume).toEqual([15.5, 15.5]);
    expect(answer.rows).toBe(3);
    expect(answer.usedWeight).toBe(42);
  });

  it('asks exactly as Binance reads it: symbol, interval, startTime, limit 1000', () => {
    expect(klinesUrl({ baseUrl: 'http://b', symbol: 'ETHUSDT', interval: '1h', startTime: 123, nowMs: NOW })).toBe(
      'http://b/api/v3/klines?symbol=ETHUSDT&interval=1h&startTime=123&limit=1000',
    );
  });

  it('a changed shape or an error object is unexpected data, never NaN', async () => {
    for (const body of ['{"code":-1121,"msg":"Invalid symbol."}', '[[1,"x"]]', '[{"openTime":1}]']) {
      const http = new StubHttp([{ match: () => true, body }]);
      await expect(fetchKlines(http, { baseUrl: 'http://b', symbol: 'X', interval: '1d', nowMs: NOW })).rejects.toMatchObject({
        code: 'QAHT_ERR_INVALID_DATA',
      });
    }
  });
});

describe('Binance klines rows, checked field by field', () => {
  const klines = (body: string) =>
    fetchKlines(new StubHttp([{ match: () => true, body }]), { baseUrl: 'http://b', symbol: 'X', interval: '1d', nowMs: NOW });
  const good = (open: number): unknown[] => row(open, '1.1');

  it.each([
    ['5', 'body: Invalid type: Expected Array but received 5'],
    ['null', 'body: Invalid type: Expected Array but received null'],
    ['"rows"', 'body: Invalid type: Expected Array but received "rows"'],
    ['[null]', '0: Invalid type: Expected Array but received null'],
    ['[{"openTime":1}]', '0: Invalid type: Expected Array but received Object'],
    ['[[1,"x"]]', '0.2: Invalid type: Expected (string | number) but received undefined'],
    [JSON.stringify([good(0), ['1', '1', '2', '0.5', '1', '10', 2, '15']]), '1.0: Invalid type: Expected number but received "1"'],
    [
      JSON.stringify([good(0), [1, '1', '2', '0.5', null, '10', 2, '15']]),
      '1.4: Invalid type: Expected (string | number) but received null',
    ],
    [JSON.stringify([[1, '1', '2', '0.5', '1', '10', '2', '15']]), '0.6: Invalid type: Expected number but received "2"'],
    [JSON.stringify([[1, '1', '2', '0.5', '1', '10', 2, true]]), '0.7: Invalid type: Expected (string | number) but received true'],
    [JSON.stringify([[1, '1', '2', '0.5', '1', '10', 2, { v: 1 }]]), '0.7: Invalid type: Expected (string | number) but received Object'],
    [JSON.stringify([[1, '1', '2', '0.5', '1', [10], 2, '15']]), '0.5: Invalid type: Expected (string | number) but received Array'],
  ])('%s is unexpected data naming the first bad field', async (body, reason) => {
    await expect(klines(body)).rejects.toMatchObject({
      code: 'QAHT_ERR_INVALID_DATA',
      message: `binance returned unexpected data: ${reason}`,
    });
  });

  it('reads fields past the eighth as anything, and decimals sent as numbers', async () => {
    const rows = [
      [TODAY - 2 * DAY, 1, 2, 0.5, 1.25, 10, TODAY - DAY - 1, 15.5, { future: 'field' }, [1]],
      [TODAY - DAY, '1', '2', '0.5', '1.5', '10', TODAY - 1, '16'],
    ];
    const answer = await klines(JSON.stringify(rows));
    expect(answer.series.close).toEqual([1.25, 1.5]);
    expect(answer.series.quoteVolume).toEqual([15.5, 16]);
    expect(answer.rows).toBe(2);
  });

  it('drops a bar whose value is not a decimal and one at an open time of Infinity, keeping the rest', async () => {
    const body = `[${JSON.stringify(row(TODAY - 3 * DAY, 'N/A'))},${JSON.stringify(row(TODAY - 2 * DAY, '0x10'))},${JSON.stringify(row(TODAY - DAY, '1.2'))},[1e999,"1","1","1","1","1",1,"1"]]`;
    const answer = await klines(body);
    expect(answer.series.openTime).toEqual([TODAY - DAY]);
    expect(answer.series.close).toEqual([1.2]);
    expect(answer.rows).toBe(4);
  });

  it('rows out of order or repeated still give one bar per open time, oldest first (the later row wins)', async () => {
    const rows = [
      row(TODAY - DAY, '1.2'),
      row(TODAY - 3 * DAY, '1.0'),
      row(TODAY - 2 * DAY, '1.1'),
      row(TODAY - DAY, '1.3'),
      row(TODAY, '9.9'),
    ];
    const answer = await klines(JSON.stringify(rows));
    expect(answer.series.openTime).toEqual([TODAY - 3 * DAY, TODAY - 2 * DAY, TODAY - DAY]);
    expect(answer.series.close).toEqual([1.0, 1.1, 1.3]);
  });

  it('keeps exactly the values Binance wrote, digit for digit', async () => {
    const decimals = ['43210.12345678', '0.00000001', '0.10000000', '148976.11427815', '123456789012.12345678', '1e-8', '7.'];
    const rows = decimals.map((close, i) => row(TODAY - (decimals.length - i) * DAY, close));
    const answer = await klines(JSON.stringify(rows));
    expect(answer.series.close).toEqual(decimals.map(Number));
  });
});

describe('CoinGecko market_chart', () => {
  it("reads the point at 00:00 of D+1 as day D's close and its volume, drops the provisional last point; highs and lows are closes", () => {
    const prices: Array<[number, number]> = [
      [TODAY - 2 * DAY, 100],
      [TODAY - DAY, 110],
      [TODAY - DAY + 3600_000, 999],
      [TODAY, 120],
      [NOW, 130],
    ];
    const volumes: Array<[number, number]> = prices.map(([t], i) => [t, 1000 + i]);
    const series = dailyBarsFromChart(prices, volumes, NOW);
    expect(series.openTime).toEqual([TODAY - 3 * DAY, TODAY - 2 * DAY, TODAY - DAY]);
    expect(series.close).toEqual([100, 110, 120]);
    expect(series.open).toEqual([100, 100, 110]);
    expect(series.high).toEqual(series.close);
    expect(series.low).toEqual(series.close);
    expect(series.quoteVolume).toEqual([1000, 1001, 1003]);
  });

  it('sends the demo key as a header, never in the URL', async () => {
    const http = new StubHttp([
      {
        match: () => true,
        body: JSON.stringify({
          prices: [
            [TODAY, 1],
            [NOW, 2],
          ],
          total_volumes: [
            [TODAY, 5],
            [NOW, 6],
          ],
        }),
      },
    ]);
    const series = await fetchMarketChart(http, { baseUrl: 'http://g', id: 'bitcoin', days: 365, apiKey: 'k3y', nowMs: NOW });
    expect(http.calls[0]?.toString()).toBe('http://g/coins/bitcoin/market_chart?vs_currency=usd&days=365&interval=daily');
    expect(series.close).toEqual([1]);
  });
});

describe('Massive grouped daily', () => {
  it("maps every stock's bar of the day, quote volume = shares × VWAP", async () => {
    const http = new StubHttp([
      {
        match: (url) => url.pathname.endsWith('/2026-12-04'),
        body: JSON.stringify({ status: 'OK', results: [{ T: 'AAPL', o: 1, h: 2, l: 0.5, c: 1.5, v: 100, vw: 1.2 }] }),
      },
    ]);
    const bars = await fetchGroupedDaily(http, { baseUrl: 'http://m', day: '2026-12-04', apiKey: 'k' });
    expect(bars).toEqual([{ ticker: 'AAPL', open: 1, high: 2, low: 0.5, close: 1.5, quoteVolume: 120 }]);
    expect(http.calls[0]?.search).toBe('?adjusted=true');
  });
});

import { describe, expect, it } from 'vitest';
import { shortReason } from '../../src/output/short-reason.js';

describe('shortReason', () => {
  it.each([
    [
      'HTTP 503 from GET https://data-api.binance.vision/api/v3/ticker/24hr: <html><body><h1>503 Service Unavailable</h1></body></html>',
      'HTTP 503 from data-api.binance.vision',
    ],
    [
      'rate limited (HTTP 429) by GET https://api.coingecko.com/api/v3/coins/markets?vs_currency=usd&page=1; retry after 60s: {"status":{"error_code":429}}',
      'rate limited (HTTP 429) by api.coingecko.com; retry after 60s',
    ],
    ['timed out for GET https://hn.algolia.com/api/v1/search_by_date?query=x: Headers Timeout Error', 'timed out for hn.algolia.com'],
    [
      'binance: every host refused (HTTP 451 from GET https://api.binance.com/api/v3/ticker/24hr: {"code":0,"msg":"restricted"}; HTTP 403 from GET https://api.binance.us/api/v3/ticker/24hr)',
      'binance: every host refused (HTTP 451 from api.binance.com; HTTP 403 from api.binance.us)',
    ],
    [
      'circuit open for api.coingecko.com after repeated failures; next try in 42s',
      'circuit open for api.coingecko.com after repeated failures; next try in 42s',
    ],
    ['HTTP 401 from GET https://REDACTED:REDACTED@x.test:8080/q?token=REDACTED', 'HTTP 401 from x.test:8080'],
  ])('%s', (reason, short) => {
    expect(shortReason(reason)).toBe(short);
  });

  it('is one line, cut to its length, without control characters', () => {
    const out = shortReason(`gdelt returned unexpected data: line one\nline two \u001b[31m${'word '.repeat(40)}`, 50);
    expect(out).not.toMatch(/[\n\u001b]/);
    expect([...out]).toHaveLength(50);
    expect(out.endsWith('…')).toBe(true);
  });
});

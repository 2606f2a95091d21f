import { describe, expect, it } from 'vitest';
import { redactSecrets, redactText, redactUrl, secretsInUrl } from '../src/redact.js';

describe('redactUrl', () => {
  it.each([
    ['https://rest.coincap.io/v3/assets?apiKey=abc123&limit=5', 'https://rest.coincap.io/v3/assets?apiKey=REDACTED&limit=5'],
    [
      'https://www.alphavantage.co/query?function=GLOBAL_QUOTE&symbol=IBM&apikey=K1',
      'https://www.alphavantage.co/query?function=GLOBAL_QUOTE&symbol=IBM&apikey=REDACTED',
    ],
    ['https://finnhub.io/api/v1/quote?symbol=AAPL&token=t0k', 'https://finnhub.io/api/v1/quote?symbol=AAPL&token=REDACTED'],
    ['https://api.coingecko.com/api/v3/ping?x_cg_demo_api_key=CG', 'https://api.coingecko.com/api/v3/ping?x_cg_demo_api_key=REDACTED'],
    [
      'https://min-api.cryptocompare.com/data/v2/news/?lang=EN&api_key=cc',
      'https://min-api.cryptocompare.com/data/v2/news/?lang=EN&api_key=REDACTED',
    ],
    ['https://x.test/a?key=1&KEY=2', 'https://x.test/a?key=REDACTED&KEY=REDACTED'],
  ])('redacts key-like query params: %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('leaves other URLs byte-for-byte alone', () => {
    const url = 'https://api.binance.com/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22,%22ETHBTC%22%5D';
    expect(redactUrl(url)).toBe(url);
  });

  it('scrubs listed secrets anywhere, raw or URL-encoded, and user info', () => {
    expect(redactUrl('https://u:p4ss@x.test/v1/MYKEY/q?h=MYKEY', ['MYKEY'])).toBe(
      'https://REDACTED:REDACTED@x.test/v1/REDACTED/q?h=REDACTED',
    );
    expect(redactUrl('https://x.test/?q=a%2Fb%2Bc', ['a/b+c'])).toBe('https://x.test/?q=REDACTED');
  });

  it('scrubs unparseable input as text', () => {
    expect(redactUrl('not a url SECRET-1', ['SECRET-1'])).toBe('not a url REDACTED');
  });
});

describe('redactSecrets / secretsInUrl', () => {
  it('ignores empty and very short secrets rather than shredding text', () => {
    expect(redactSecrets('a b c', ['', 'a'])).toBe('a b c');
  });

  it('collects the values of key-like params', () => {
    expect(secretsInUrl('https://x.test/?apiKey=A1&token=T2&symbol=BTC')).toEqual(['A1', 'T2']);
    expect(secretsInUrl('nonsense')).toEqual([]);
  });
});

describe('redactText', () => {
  it('replaces every listed key, whichever source it belongs to, wherever it appears', () => {
    const text = 'coincap error: bad request auth=Bearer KEY-ONE-1 and a proxy said KEY-TWO-2';
    expect(redactText(text, ['KEY-ONE-1', 'KEY-TWO-2'])).toBe('coincap error: bad request auth=Bearer REDACTED and a proxy said REDACTED');
  });

  it('replaces what looks like a credential though no key is listed (a key since unset)', () => {
    expect(redactText('bad request auth=Bearer sk_live_abcdef123')).toBe('bad request auth=Bearer REDACTED');
    expect(redactText('HTTP 401 from GET https://x.test/q?symbol=IBM&apikey=ABC123: invalid')).toBe(
      'HTTP 401 from GET https://x.test/q?symbol=IBM&apikey=REDACTED: invalid',
    );
    expect(redactText('headers {"x-api-key":"abc123","accept":"*/*","x-finnhub-token":"tok999"}')).toBe(
      'headers {"x-api-key":"REDACTED","accept":"*/*","x-finnhub-token":"REDACTED"}',
    );
    expect(redactText('Authorization: Basic dXNlcjpwYXNz, token=t0k3n; secret: s3cr3t')).toBe(
      'Authorization: Basic REDACTED, token=REDACTED; secret: REDACTED',
    );
  });

  it('leaves ordinary sentences alone', () => {
    const text = 'HTTP 503 from GET https://data-api.binance.vision/api/v3/ticker/24hr: monkey business, 3 tokens: none';
    expect(redactText(text)).toBe(text);
  });
});

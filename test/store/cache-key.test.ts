import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/redact.js';
import { cacheKey, hashKey } from '../../src/store/cache-key.js';

/** Credential parameters as the APIs qaht calls spell them. */
const SECRET_PARAM_NAMES = ['apikey', 'api_key', 'apiKey', 'token', 'key', 'x_cg_demo_api_key', 'x-cg-demo-api-key', 'x_cg_pro_api_key'];

describe('cacheKey', () => {
  it('is source plus request, with credential parameters removed whatever their value', () => {
    const key = cacheKey('newsapi', 'https://newsapi.org/v2/everything?q=bitcoin&apiKey=abc123secret&pageSize=50');
    expect(key).toBe('newsapi:https://newsapi.org/v2/everything?pageSize=50&q=bitcoin');
  });

  it('removes every named credential parameter, case-insensitively', () => {
    const query = SECRET_PARAM_NAMES.map((name, index) => `${name.toUpperCase()}=v${index}`).join('&');
    expect(cacheKey('x', `/path?${query}&keep=1`)).toBe('x:/path?keep=1');
  });

  it('redacts secret values found anywhere else, raw or URL-encoded', () => {
    const secret = 'k3y/with+chars';
    const key = cacheKey('alphavantage', `/query/${encodeURIComponent(secret)}?function=QUOTE&note=${secret}`, [secret]);
    expect(key).not.toContain(secret);
    expect(key).not.toContain(encodeURIComponent(secret));
    expect(key).toContain('REDACTED');
  });

  it('does not depend on parameter order, and drops user:password', () => {
    expect(cacheKey('s', 'https://u:p@host/a?b=2&a=1')).toBe(cacheKey('s', 'https://host/a?a=1&b=2'));
    expect(cacheKey('s', 'https://u:p@host/a')).not.toContain('u:p@');
  });

  it('keeps free-form descriptions as they are', () => {
    expect(cacheKey('stooq', 'quote AAPL')).toBe('stooq:quote AAPL');
  });

  it('keys requests that differ in a real parameter apart', () => {
    expect(cacheKey('hn', '/search?query=btc')).not.toBe(cacheKey('hn', '/search?query=eth'));
  });

  it('hashes to a 16-hex-digit file name (64-bit FNV-1a of the UTF-8 key)', () => {
    expect(hashKey('a')).toMatch(/^[0-9a-f]{16}$/);
    // The published FNV-1a 64 test vectors.
    expect(hashKey('')).toBe('cbf29ce484222325');
    expect(hashKey('a')).toBe('af63dc4c8601ec8c');
    expect(hashKey('foobar')).toBe('85944171f73967e8');
    expect(hashKey('é')).not.toBe(hashKey('e'));
    expect(hashKey('a')).not.toBe(hashKey('b'));
  });

  it('redactSecrets ignores empty secrets', () => {
    expect(redactSecrets('abc', [''])).toBe('abc');
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalUrl, cleanUrl, isGoogleNewsCanonical, isGoogleNewsUrl, shortUrl } from '../../../src/screens/news/canonical-url.js';

describe('canonicalUrl', () => {
  it('folds host case, www, scheme, fragment, trailing slash and tracking parameters', () => {
    const a = 'https://WWW.Reuters.com/markets/bitcoin-etf/?utm_source=twitter&utm_medium=social&fbclid=abc#comments';
    const b = 'http://reuters.com/markets/bitcoin-etf';
    expect(canonicalUrl(a)).toBe('https://reuters.com/markets/bitcoin-etf');
    expect(canonicalUrl(b)).toBe(canonicalUrl(a));
  });

  it('drops every listed tracking parameter and sorts the rest', () => {
    const url = 'https://example.com/a?z=1&gclid=x&mc_cid=x&mc_eid=x&ref=hn&ocid=x&cmpid=x&UTM_Campaign=x&b=2&a=3';
    expect(canonicalUrl(url)).toBe('https://example.com/a?a=3&b=2&z=1');
  });

  it('drops oc only on news.google.com', () => {
    expect(canonicalUrl('https://news.google.com/rss/articles/CBMiX?oc=5')).toBe('https://news.google.com/rss/articles/CBMiX');
    expect(canonicalUrl('https://example.com/p?oc=5')).toBe('https://example.com/p?oc=5');
  });

  it('keeps non-default ports and leaves non-URLs alone', () => {
    expect(canonicalUrl('http://127.0.0.1:8080/x/')).toBe('https://127.0.0.1:8080/x');
    expect(canonicalUrl('  not a url ')).toBe('not a url');
  });
});

describe('cleanUrl / isGoogleNewsUrl / shortUrl', () => {
  it('removes tracking and fragments but keeps the rest as given', () => {
    expect(cleanUrl('https://www.coindesk.com/a/?utm_source=x&id=7#top')).toBe('https://www.coindesk.com/a/?id=7');
    expect(cleanUrl('https://news.google.com/rss/articles/CBMi?oc=5')).toBe('https://news.google.com/rss/articles/CBMi');
  });
  it('recognises Google News redirects', () => {
    expect(isGoogleNewsUrl('https://news.google.com/rss/articles/CBMi')).toBe(true);
    expect(isGoogleNewsUrl('https://www.reuters.com/x')).toBe(false);
  });
  it('shortens to host and path', () => {
    expect(shortUrl('https://www.reuters.com/')).toBe('reuters.com');
    expect(shortUrl('https://news.ycombinator.com/item?id=46123999')).toBe('news.ycombinator.com/item?id=46123999');
    expect(shortUrl('https://www.reuters.com/markets/us/spot-bitcoin-etfs-pull-in-record-inflows-2026-11-29/?x=1')).toBe(
      'reuters.com/markets/us/spot-bitcoin-etf…',
    );
  });
});

describe('isGoogleNewsCanonical', () => {
  it.each([
    'https://news.google.com/rss/articles/CBMi?oc=5',
    'http://WWW.news.google.com/x',
    'https://news.google.com:8443/x',
    'https://news.google.com',
    'https://news.google.com.evil.example/x',
    'https://reuters.com/markets',
    'not a url at all',
    'ftp://news.google.com/x',
  ])('agrees with isGoogleNewsUrl on %s', (url) => {
    expect(isGoogleNewsCanonical(canonicalUrl(url))).toBe(isGoogleNewsUrl(url));
  });
});

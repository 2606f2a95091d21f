import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/screens/news/duration.js';
import { normalizeQuery } from '../../../src/screens/news/query.js';
import { filterRelevant } from '../../../src/screens/news/relevance-filter.js';
import { isQahtError } from '../../../src/errors.js';

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isQahtError(error) && error.code === 'QAHT_ERR_USAGE') return error.message;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('parseDuration', () => {
  it('reads m, h, d and w', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('90min')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration(' 1W ')).toBe(604_800_000);
    expect(parseDuration('10s')).toBe(10_000);
  });
  it.each(['', '24', 'h', '0h', '-1h', '1.5h', '24 hours', '2y', '400d'])('rejects %j with a one-line usage error', (text) => {
    const message = usageError(() => parseDuration(text));
    expect(message).toMatch(/^invalid --since /);
    expect(message).not.toContain('\n');
  });
  it('formats back for notes', () => {
    expect([86_400_000, 172_800_000, 5_400_000, 604_800_000, 10_000].map(formatDuration)).toEqual(['24h', '2d', '90m', '1w', '10s']);
  });
});

describe('normalizeQuery', () => {
  it('trims and keeps quotes, unicode and &', () => {
    expect(normalizeQuery('  "spot etf" & ünï  ')).toBe('"spot etf" & ünï');
  });
  it.each(['', '   ', '\t\n', undefined])('rejects %j with the usage message', (raw) => {
    expect(usageError(() => normalizeQuery(raw))).toBe('news needs a query, e.g. screen news "bitcoin etf"');
  });
});

describe('filterRelevant', () => {
  const item = (title: string, summary: string | null = null) => ({ title, url: 'https://x', publisher: null, publishedAt: null, summary });
  it('keeps feed items that mention at least half of the query tokens, in title or summary', () => {
    const items = [
      item('Bitcoin ETFs see inflows'),
      item('Ether staking grows'),
      item('Markets wrap', 'Spot bitcoin funds...'),
      item('Gold ETF slips'),
    ];
    expect(filterRelevant(items, 'bitcoin etf').map((i) => i.title)).toEqual([
      'Bitcoin ETFs see inflows',
      'Markets wrap',
      'Gold ETF slips',
    ]);
    expect(filterRelevant(items, 'bitcoin').map((i) => i.title)).toEqual(['Bitcoin ETFs see inflows', 'Markets wrap']);
  });
});

import { describe, expect, it } from 'vitest';
import { jaccard, titlesMatch } from '../../../src/screens/news/title-similarity.js';
import { tokenize } from '../../../src/screens/news/tokens.js';

const set = (title: string): Set<string> => new Set(tokenize(title));

describe('tokenize', () => {
  it('lower-cases, strips punctuation, possessives, stopwords and plural s', () => {
    expect(tokenize("The SEC's approval: Spot Bitcoin ETFs draw $1,200 million!")).toEqual([
      'sec',
      'approval',
      'spot',
      'bitcoin',
      'etf',
      'draw',
      '1200',
      'million',
    ]);
  });
  it('cannot be fooled by escape sequences', () => {
    expect(tokenize('Bitcoin \u001b[31mETF\u001b[0m \u001b]0;pwned\u0007')).toEqual(['bitcoin', 'etf']);
  });
  it('folds unicode compatibility forms', () => {
    expect(tokenize('Ｂｉｔｃｏｉｎ Café')).toEqual(['bitcoin', 'café']);
  });
});

describe('titlesMatch', () => {
  it('matches light rewrites of a headline (Jaccard ≥ 0.8)', () => {
    const a = set('SEC approves spot bitcoin ETFs from BlackRock and Fidelity');
    const b = set('SEC Approves Spot Bitcoin ETF From BlackRock, Fidelity');
    expect(jaccard(a, b)).toBeGreaterThanOrEqual(0.8);
    expect(titlesMatch(a, b)).toBe(true);
  });
  it('matches a short headline contained in a longer one', () => {
    expect(titlesMatch(set('SEC approves spot bitcoin ETFs'), set('SEC approves spot bitcoin ETFs in landmark decision for crypto'))).toBe(
      true,
    );
  });
  it('does not match different stories on the same topic', () => {
    expect(titlesMatch(set('Bitcoin ETF inflows hit a record'), set('Bitcoin ETF outflows hit a record'))).toBe(false);
    expect(titlesMatch(set('Bitcoin falls 5% as ETF outflows mount'), set('Ether rises 5% as ETF inflows mount'))).toBe(false);
  });
  it('does not let a short generic title swallow long ones', () => {
    expect(titlesMatch(set('Bitcoin ETF news'), set('Bitcoin ETF news roundup: flows, fees, filings and the week ahead'))).toBe(false);
    expect(titlesMatch(set('Bitcoin'), set('Bitcoin'))).toBe(false);
  });
});

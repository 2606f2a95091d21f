import { describe, expect, it } from 'vitest';
import { normaliseSymbols, parseSymbolList } from '../../../src/screens/market/symbols.js';
import { DEFAULT_UNIVERSE, KNOWN_NAMES } from '../../../src/screens/market/universes.js';

describe('symbols', () => {
  it('parses a file with lines, commas and # comments', () => {
    const text = '# my watchlist\nAAPL\nmsft, nvda  # chips\n\n  brk.b,^SPX\r\nKO # drinks, not a symbol\n';
    expect(parseSymbolList(text)).toEqual(['AAPL', 'msft', 'nvda', 'brk.b', '^SPX', 'KO']);
  });

  it('upper-cases and de-duplicates, keeping first-seen order', () => {
    expect(normaliseSymbols(['aapl', 'MSFT', 'AAPL', 'brk.b'])).toEqual(['AAPL', 'MSFT', 'BRK.B']);
  });

  it('rejects symbols outside [A-Z0-9.-^]{1,12} as a usage error, without echoing control characters', () => {
    expect(() => normaliseSymbols(['AAPL', 'AA$PL'])).toThrow(
      expect.objectContaining({ code: 'QAHT_ERR_USAGE', message: expect.stringContaining('"AA$PL"') }),
    );
    expect(() => normaliseSymbols(['ABCDEFGHIJKLM'])).toThrow(expect.objectContaining({ code: 'QAHT_ERR_USAGE' }));
    expect(() => normaliseSymbols(['X\u001b[31mY'])).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\u001b') }));
  });

  it('bundles the 30 Dow stocks with names as the default universe', () => {
    expect(DEFAULT_UNIVERSE).toHaveLength(30);
    expect(new Set(DEFAULT_UNIVERSE).size).toBe(30);
    expect(normaliseSymbols(DEFAULT_UNIVERSE)).toEqual([...DEFAULT_UNIVERSE]);
    expect(KNOWN_NAMES.get('NVDA')).toBe('Nvidia');
  });
});

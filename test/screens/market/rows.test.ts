import { describe, expect, it } from 'vitest';
import { formatChangePct, formatCentsPrice, formatVolume } from '../../../src/screens/market/format.js';
import { NO_MARKET_SIGNALS } from '../../../src/screens/market/market-signals.js';
import { buildMarketRow, sortMarketRows, type MarketRow } from '../../../src/screens/market/rows.js';
import { marketScore } from '../../../src/screens/market/score.js';
import type { MarketQuote } from '../../../src/sources/market/quote.js';

const quote = (overrides: Partial<MarketQuote>): MarketQuote => ({
  symbol: 'AAPL',
  name: null,
  price: 100,
  changePct: 1,
  changeBasis: 'previous-close',
  volume: null,
  source: 'finnhub',
  ...overrides,
});

const row = (symbol: string, changePct: number | null, volume: number | null, score: number | null): MarketRow => ({
  symbol,
  name: null,
  price: 1,
  changePct,
  changeBasis: 'prevClose',
  volume,
  score,
  sources: ['finnhub'],
  ...NO_MARKET_SIGNALS,
});

describe('marketScore', () => {
  it('weights the size of the move by log volume', () => {
    expect(marketScore(3, 50_000_000)).toBeCloseTo(3 * (Math.log10(5e7) - 5), 4);
    expect(marketScore(-3, 1_000_000)).toBe(3);
    expect(marketScore(4, 300_000)).toBeCloseTo(4 * (Math.log10(3e5) - 5), 3);
    expect(marketScore(2, 10)).toBe(0.5); // thin trading: weight floor 0.25
    expect(marketScore(2, 1e12)).toBe(6); // weight cap 3
  });

  it('gives the numbers its doc comment quotes', () => {
    expect(marketScore(3, 50_000_000)).toBe(8.0969);
    expect(marketScore(4, 300_000)).toBe(1.9085);
  });

  it('treats a missing volume as a typical day, and a missing change as no score', () => {
    expect(marketScore(2.5, null)).toBe(2.5);
    expect(marketScore(null, 1e7)).toBeNull();
  });
});

describe('buildMarketRow', () => {
  it('takes price and change from a previous-close quote, volume and name from the others', () => {
    const merged = buildMarketRow(
      'AAPL',
      [
        quote({ source: 'stooq', changeBasis: 'open', price: 101, changePct: 0.5, volume: 40e6, name: 'APPLE' }),
        quote({ source: 'finnhub', price: 100, changePct: 1.2 }),
      ],
      new Map(),
    );
    expect(merged).toEqual({
      symbol: 'AAPL',
      name: 'APPLE',
      price: 100,
      changePct: 1.2,
      changeBasis: 'prevClose',
      volume: 40e6,
      score: marketScore(1.2, 40e6),
      sources: ['finnhub', 'stooq'],
      ...NO_MARKET_SIGNALS,
    });
  });

  it('prefers bundled names and returns null without quotes', () => {
    expect(buildMarketRow('AAPL', [quote({ name: 'APPLE INC' })], new Map([['AAPL', 'Apple']]))?.name).toBe('Apple');
    expect(buildMarketRow('AAPL', [], new Map())).toBeNull();
  });
});

describe('sortMarketRows', () => {
  const rows = [row('MSFT', -2, 5, 4), row('AAPL', 3, null, 4), row('KO', null, 9, null), row('IBM', 1, 7, 1)];

  it('sorts by score descending, ties by symbol, missing values last', () => {
    expect(sortMarketRows(rows, 'score').map((r) => r.symbol)).toEqual(['AAPL', 'MSFT', 'IBM', 'KO']);
  });

  it('sorts by signed change, and ascending with --asc (missing still last)', () => {
    expect(sortMarketRows(rows, 'change').map((r) => r.symbol)).toEqual(['AAPL', 'IBM', 'MSFT', 'KO']);
    expect(sortMarketRows(rows, 'change', true).map((r) => r.symbol)).toEqual(['MSFT', 'IBM', 'AAPL', 'KO']);
  });

  it('sorts by volume', () => {
    expect(sortMarketRows(rows, 'volume').map((r) => r.symbol)).toEqual(['KO', 'IBM', 'MSFT', 'AAPL']);
  });
});

describe('table formats', () => {
  it('formats price, change and volume compactly', () => {
    expect(formatCentsPrice(1234.5)).toBe('1,234.50');
    expect(formatCentsPrice(0.43121)).toBe('0.4312');
    expect(formatChangePct(1.0239)).toBe('+1.02%');
    expect(formatChangePct(-0.5)).toBe('-0.50%');
    expect(formatChangePct(null)).toBe('—');
    expect(formatVolume(40_000_000)).toBe('40.0M');
    expect(formatVolume(950)).toBe('950');
  });
});

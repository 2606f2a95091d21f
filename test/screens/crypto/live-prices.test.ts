import { describe, expect, it } from 'vitest';
import type { CryptoRow } from '../../../src/screens/crypto/crypto-row.js';
import { MAX_BOOK_ASSETS, PriceBook, withLivePrices } from '../../../src/screens/crypto/live-prices.js';

/** The fields live prices read, the rest left out (signal fields and the like play no part). */
function row(
  id: string,
  symbol: string,
  priceUsd: number | null,
  overrides: Partial<Pick<CryptoRow, 'marketCapUsd' | 'flags'>> = {},
): CryptoRow {
  return {
    rank: 1,
    id,
    symbol,
    name: id,
    priceUsd,
    change24hPct: null,
    change7dPct: null,
    volume24hUsd: null,
    marketCapUsd: 1e9,
    score: 50,
    sources: ['coingecko', 'binance'],
    change1hPct: null,
    turnover: null,
    sparkline7d: null,
    flags: [],
    ...overrides,
  } as CryptoRow;
}

const AT = Date.UTC(2026, 11, 1, 12);
const REST_AT = '2026-12-01T11:59:00.000Z';

describe('the price book', () => {
  it('keeps the newest price per asset, counts changes, and forgets everything on clear', () => {
    const book = new PriceBook();
    expect(book.update([{ base: 'BTC', priceUsd: 96_000, atMs: AT }])).toBe(1);
    expect(book.update([{ base: 'BTC', priceUsd: 95_000, atMs: AT - 1 }])).toBe(0);
    expect(book.update([{ base: 'BTC', priceUsd: 96_000, atMs: AT }])).toBe(0);
    const version = book.version;
    expect(book.update([{ base: 'BTC', priceUsd: 96_100, atMs: AT + 1_000 }])).toBe(1);
    expect(book.version).toBe(version + 1);
    expect(book.get('BTC')).toEqual({ priceUsd: 96_100, atMs: AT + 1_000 });
    book.clear();
    expect(book.get('BTC')).toBeUndefined();
    expect(book.version).toBe(version + 2);
  });

  it('holds at most MAX_BOOK_ASSETS assets, whatever symbols a server invents', () => {
    const book = new PriceBook();
    book.update(Array.from({ length: MAX_BOOK_ASSETS + 100 }, (_, i) => ({ base: `X${i}`, priceUsd: 1, atMs: AT })));
    expect(book.size).toBe(MAX_BOOK_ASSETS);
  });
});

describe('rows with live prices', () => {
  it('prices a row from the stream where the book has its ticker, else keeps the REST price and its time', () => {
    const book = new PriceBook();
    book.update([{ base: 'BTC', priceUsd: 96_500, atMs: AT }]);
    const rows = withLivePrices([row('bitcoin', 'BTC', 96_000), row('ethereum', 'ETH', 3_500)], book, () => REST_AT);
    expect(rows.map((r) => [r.id, r.priceUsd, r.priceAt, r.priceSource])).toEqual([
      ['bitcoin', 96_500, new Date(AT).toISOString(), 'stream'],
      ['ethereum', 3_500, REST_AT, 'rest'],
    ]);
  });

  it('gives a shared ticker to the largest market cap, and never prices a row whose REST price disagreed or that the stream is far from', () => {
    const book = new PriceBook();
    book.update([
      { base: 'UNI', priceUsd: 10, atMs: AT },
      { base: 'ABC', priceUsd: 2, atMs: AT },
      { base: 'XYZ', priceUsd: 5, atMs: AT },
    ]);
    const rows = withLivePrices(
      [
        row('uni-small', 'UNI', 9.9, { marketCapUsd: 1e6 }),
        row('uniswap', 'UNI', 9.8, { marketCapUsd: 5e9 }),
        row('abc', 'ABC', 2.1, { flags: ['price_mismatch:binance'] }),
        row('xyz', 'XYZ', 1),
      ],
      book,
      () => REST_AT,
    );
    expect(rows.map((r) => [r.id, r.priceUsd, r.priceSource])).toEqual([
      ['uni-small', 9.9, 'rest'],
      ['uniswap', 10, 'stream'],
      ['abc', 2.1, 'rest'],
      ['xyz', 1, 'rest'],
    ]);
  });
});

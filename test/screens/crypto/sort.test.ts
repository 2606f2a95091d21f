import { describe, expect, it } from 'vitest';
import type { CryptoRow } from '../../../src/screens/crypto/crypto-row.js';
import { CRYPTO_SORT_KEYS, sortCryptoRows } from '../../../src/screens/crypto/sort.js';
import { NO_SIGNAL_FIELDS } from '../../../src/screens/signals/signal-fields.js';

function row(id: string, overrides: Partial<CryptoRow> = {}): CryptoRow {
  return {
    rank: null,
    id,
    symbol: id.toUpperCase(),
    name: id,
    priceUsd: 1,
    change24hPct: 0,
    change7dPct: 0,
    volume24hUsd: 0,
    marketCapUsd: 0,
    score: 50,
    sources: ['coingecko'],
    change1hPct: 0,
    turnover: 0,
    sparkline7d: null,
    flags: [],
    ...NO_SIGNAL_FIELDS,
    scoreBasis: 'snapshot',
    ...overrides,
  };
}

const ids = (rows: CryptoRow[]): string[] => rows.map((r) => r.id);

describe('sortCryptoRows', () => {
  const rows = [
    row('a', { rank: 3, score: 40, change24hPct: 5, change7dPct: -1, volume24hUsd: 10, marketCapUsd: 300, turnover: 0.2, rvol: 1 }),
    row('b', { rank: 1, score: 70, change24hPct: -2, change7dPct: 9, volume24hUsd: 30, marketCapUsd: 900, turnover: 0.01, rs7dPct: 3 }),
    row('c', { rank: 2, score: 55, change24hPct: 1, change7dPct: 4, volume24hUsd: 20, marketCapUsd: 600, turnover: 0.5, rvol: 4 }),
  ];

  it('sorts descending by each key', () => {
    const expected: Record<(typeof CRYPTO_SORT_KEYS)[number], string[]> = {
      score: ['b', 'c', 'a'],
      change24h: ['a', 'c', 'b'],
      change7d: ['b', 'c', 'a'],
      volume: ['b', 'c', 'a'],
      mcap: ['b', 'c', 'a'],
      turnover: ['c', 'a', 'b'],
      rvol: ['c', 'a', 'b'],
      rs7d: ['b', 'c', 'a'],
      squeeze: ['b', 'c', 'a'],
      rsi: ['b', 'c', 'a'],
    };
    for (const key of CRYPTO_SORT_KEYS) expect(ids(sortCryptoRows(rows, key)), key).toEqual(expected[key]);
  });

  it('flips with ascending', () => {
    expect(ids(sortCryptoRows(rows, 'score', true))).toEqual(['a', 'c', 'b']);
    expect(ids(sortCryptoRows(rows, 'change24h', true))).toEqual(['b', 'c', 'a']);
  });

  it('puts missing values last in both directions', () => {
    const withNull = [...rows, row('n', { rank: 0, change7dPct: null })];
    expect(ids(sortCryptoRows(withNull, 'change7d')).at(-1)).toBe('n');
    expect(ids(sortCryptoRows(withNull, 'change7d', true)).at(-1)).toBe('n');
  });

  it('breaks ties by market-cap rank (unranked last), then id, whatever the direction', () => {
    const tied = [row('z-unranked', { rank: null }), row('y', { rank: 7 }), row('b-unranked', { rank: null }), row('x', { rank: 2 })];
    expect(ids(sortCryptoRows(tied, 'score'))).toEqual(['x', 'y', 'b-unranked', 'z-unranked']);
    expect(ids(sortCryptoRows(tied, 'score', true))).toEqual(['x', 'y', 'b-unranked', 'z-unranked']);
    // Input order does not matter.
    expect(ids(sortCryptoRows([...tied].reverse(), 'score'))).toEqual(['x', 'y', 'b-unranked', 'z-unranked']);
  });

  it('does not modify its input', () => {
    const copy = [...rows];
    sortCryptoRows(rows, 'score');
    expect(rows).toEqual(copy);
  });

  // The sort reads each row's keys once into flat arrays (issue 13 item 9): same order as the rule.
  it('orders random rows with nulls and ties exactly as the written rule does', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const maybe = (value: number) => (random() < 0.2 ? null : value);
    const many = Array.from({ length: 500 }, (_, i) =>
      row(`c${(i * 37) % 500}`, {
        rank: maybe(Math.floor(random() * 50)),
        score: Math.floor(random() * 10),
        change24hPct: maybe(Math.floor(random() * 5) - 2),
        change7dPct: maybe(random()),
        volume24hUsd: maybe(Math.floor(random() * 3)),
        marketCapUsd: maybe(Math.floor(random() * 3)),
        turnover: maybe(Math.floor(random() * 3) / 10),
        rvol: maybe(Math.floor(random() * 4) / 2),
        rs7dPct: maybe(Math.floor(random() * 5) - 2),
        squeezePct: maybe(Math.floor(random() * 3) * 10),
        rsi14: maybe(Math.floor(random() * 5) * 20),
      }),
    );
    const value: Record<(typeof CRYPTO_SORT_KEYS)[number], (r: CryptoRow) => number | null> = {
      score: (r) => r.score,
      change24h: (r) => r.change24hPct,
      change7d: (r) => r.change7dPct,
      volume: (r) => r.volume24hUsd,
      mcap: (r) => r.marketCapUsd,
      turnover: (r) => r.turnover,
      rvol: (r) => r.rvol,
      rs7d: (r) => r.rs7dPct,
      squeeze: (r) => (r.squeezePct === null ? null : -r.squeezePct),
      rsi: (r) => r.rsi14,
    };
    const nullsLast = (a: number | null, b: number | null, asc: boolean) =>
      a === b ? 0 : a === null ? 1 : b === null ? -1 : asc ? a - b : b - a;
    for (const key of CRYPTO_SORT_KEYS) {
      for (const ascending of [false, true]) {
        const expected = [...many].sort(
          (a, b) =>
            nullsLast(value[key](a), value[key](b), ascending) ||
            nullsLast(a.rank, b.rank, true) ||
            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        );
        expect(ids(sortCryptoRows(many, key, ascending)), `${key} ${ascending}`).toEqual(ids(expected));
      }
    }
  });
});

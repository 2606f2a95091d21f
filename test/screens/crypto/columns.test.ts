import { describe, expect, it } from 'vitest';
import { cryptoColumns } from '../../../src/screens/crypto/columns.js';
import type { CryptoRow } from '../../../src/screens/crypto/crypto-row.js';
import { fitColumns } from '../../../src/output/render-table.js';
import { NO_SIGNAL_FIELDS } from '../../../src/screens/signals/signal-fields.js';

const ROW: CryptoRow = {
  rank: 1,
  id: 'bitcoin',
  symbol: 'BTC',
  name: 'Bitcoin',
  priceUsd: 96243.89,
  change24hPct: 1.234,
  change7dPct: -4.5,
  volume24hUsd: 3.5e10,
  marketCapUsd: 1.9e12,
  score: 63.4,
  sources: ['coingecko', 'coincap'],
  change1hPct: 0.31,
  turnover: 0.0184,
  sparkline7d: Array.from({ length: 24 }, (_, i) => 90000 + i * 250),
  flags: ['price_mismatch:binance'],
  ...NO_SIGNAL_FIELDS,
  rvol: 3.44,
  breakout: '20d',
  rs7dPct: 12.4,
  squeezePct: 50,
  rsi14: 25.2,
  why: 'vol×3.4 · 20d high · +12% vs market 7d',
  scoreBasis: 'signals',
};

describe('cryptoColumns', () => {
  it('formats cells for the table and keeps machine values for CSV', () => {
    const columns = cryptoColumns();
    const byKey = Object.fromEntries(columns.map((c) => [c.key, c]));
    expect(byKey.priceUsd!.display!(ROW)).toBe('96,244');
    expect(byKey.change24hPct!.display!(ROW)).toBe('+1.23%');
    expect(byKey.change24hPct!.signColor).toBe(true);
    expect(byKey.marketCapUsd!.display!(ROW)).toBe('1.90T');
    expect(byKey.sources!.display!(ROW)).toBe('cg,cc !bn');
    expect(byKey.sources!.value(ROW)).toBe('coingecko;coincap');
    expect([...(byKey.sparkline7d!.value(ROW) as string)]).toHaveLength(12);
    expect(byKey.name!.maxWidth).toBe(18);
    expect(byKey.signals!.display!(ROW)).toBe('vol×3.4 20d rs+12 rsi25');
    expect(byKey.signals!.value(ROW)).toBe('rvol;breakout;rs;oversold');
    expect(byKey.why!.value(ROW)).toBe('vol×3.4 · 20d high · +12% vs market 7d');
    expect(byKey.why!.csvOnly).toBe(true);
    expect(byKey.scoreBasis!.value(ROW)).toBe('signals');
  });

  it('drops signals, sparkline, sources, 1h, name, mcap, 7d, volume in that order and never rank, symbol, price, 24h or score', () => {
    const columns = cryptoColumns().filter((c) => !c.csvOnly);
    const droppable = columns.filter((c) => c.dropOrder > 0).sort((a, b) => b.dropOrder - a.dropOrder);
    expect(droppable.map((c) => c.key)).toEqual([
      'signals',
      'sparkline7d',
      'sources',
      'change1hPct',
      'name',
      'marketCapUsd',
      'change7dPct',
      'volume24hUsd',
    ]);
    expect(columns.filter((c) => c.dropOrder === 0).map((c) => c.key)).toEqual(['rank', 'symbol', 'priceUsd', 'change24hPct', 'score']);
  });

  it('fits 80 columns with the essentials and shows everything at 200', () => {
    const columns = cryptoColumns().filter((c) => !c.csvOnly);
    const cells = [ROW, { ...ROW, name: 'Coinbase Wrapped Staked ETH', priceUsd: 0.00001234 }].map((row) =>
      columns.map((c) => (c.display ? c.display(row) : String(c.value(row) ?? ''))),
    );
    const at80 = fitColumns(columns, cells, 80).kept.map((i) => columns[i]!.key);
    expect(at80).toEqual(expect.arrayContaining(['rank', 'symbol', 'priceUsd', 'change24hPct', 'score']));
    expect(at80).not.toContain('sparkline7d');
    expect(at80).not.toContain('signals');
    expect(fitColumns(columns, cells, 200).kept).toHaveLength(columns.length);
  });
});

import type { ColumnSpec } from '../../output/column-spec.js';
import { formatCompact, formatPercent, formatScaledPrice } from '../../output/format-number.js';
import { sanitizeText } from '../../output/sanitize.js';
import { signalColumns } from '../signals/signal-columns.js';
import type { CryptoRow, CryptoSource } from './crypto-row.js';
import { type CurrencyFields, currencyLabel } from './currency.js';
import { renderSparkline } from './sparkline.js';

/** Widest name cell (the renderer truncates with "…"). */
export const NAME_MAX_WIDTH = 18;

/** Short source labels for the table's Src column. */
export const SOURCE_ABBREVIATIONS: Record<CryptoSource, string> = { coingecko: 'cg', binance: 'bn', coincap: 'cc' };

/** The line under a crypto table that says what its Src labels mean. */
export const CRYPTO_TABLE_LEGEND = 'Src: cg CoinGecko · bn Binance · cc CoinCap · !bn its price disagreed and was left out';

/**
 * Table/CSV columns for crypto. `value` is the machine value (CSV), `display` the table text.
 * Drop order on a narrow terminal (first dropped first): signals (8), 7d sparkline (7), sources (6), 1h (5),
 * name (4), market cap (3), 7d (2), volume (1). Rank, symbol, price, 24h and score are never
 * dropped. At 80 columns the table keeps MCap#, symbol, price, 24h %, 7d %, volume, score (and more
 * when cells are narrow); at 200 it shows everything. CSV also has every signal field and the
 * score's basis as columns of their own. With a `currency` other than USD, price, volume and cap
 * are the row's `price`, `volume24h` and `marketCap` in it (headers say which: `Price €`).
 */
export function cryptoColumns(currency = 'usd'): ColumnSpec<CryptoRow>[] {
  const inUsd = currency === 'usd';
  const label = currencyLabel(currency);
  // The row's amount in the currency (added by `inCurrency`), or its USD field.
  const amount =
    (usd: (row: CryptoRow) => number | null, field: keyof CurrencyFields) =>
    (row: CryptoRow): number | null =>
      inUsd ? usd(row) : ((row as CryptoRow & Partial<CurrencyFields>)[field] ?? null);
  const price = amount((row) => row.priceUsd, 'price');
  const volume = amount((row) => row.volume24hUsd, 'volume24h');
  const cap = amount((row) => row.marketCapUsd, 'marketCap');
  return [
    {
      key: 'rank',
      // The market-cap rank, not the row's place (rows follow --sort, the score by default).
      header: 'MCap#',
      value: (row) => row.rank,
      display: (row) => (row.rank === null ? '–' : String(row.rank)),
      align: 'right',
      dropOrder: 0,
    },
    { key: 'symbol', header: 'Symbol', value: (row) => row.symbol, display: (row) => sanitizeText(row.symbol), maxWidth: 10, dropOrder: 0 },
    {
      key: 'name',
      header: 'Name',
      value: (row) => row.name,
      display: (row) => sanitizeText(row.name),
      maxWidth: NAME_MAX_WIDTH,
      dropOrder: 4,
    },
    {
      key: inUsd ? 'priceUsd' : 'price',
      header: `Price ${label}`,
      value: price,
      display: (row) => formatScaledPrice(price(row)),
      align: 'right',
      dropOrder: 0,
    },
    percentColumn('change1hPct', '1h %', (row) => row.change1hPct, 5),
    percentColumn('change24hPct', '24h %', (row) => row.change24hPct, 0),
    percentColumn('change7dPct', '7d %', (row) => row.change7dPct, 2),
    {
      key: inUsd ? 'volume24hUsd' : 'volume24h',
      header: inUsd ? 'Volume' : `Volume ${label}`,
      value: volume,
      display: (row) => formatCompact(volume(row)),
      align: 'right',
      dropOrder: 1,
    },
    {
      key: inUsd ? 'marketCapUsd' : 'marketCap',
      header: inUsd ? 'MCap' : `MCap ${label}`,
      value: cap,
      display: (row) => formatCompact(cap(row)),
      align: 'right',
      dropOrder: 3,
    },
    { key: 'sparkline7d', header: '7d', value: (row) => renderSparkline(row.sparkline7d), dropOrder: 7 },
    { key: 'score', header: 'Score', value: (row) => row.score, display: (row) => row.score.toFixed(1), align: 'right', dropOrder: 0 },
    {
      key: 'sources',
      header: 'Src',
      // CSV keeps full names in one cell (";" never occurs in a source name); the table uses
      // cg/bn/cc and appends "!bn" for a source whose price disagreed and was not merged.
      value: (row) => row.sources.join(';'),
      display: (row) => sourcesCell(row),
      dropOrder: 6,
    },
    ...signalColumns<CryptoRow>(8),
    { key: 'scoreBasis', header: 'scoreBasis', value: (row) => row.scoreBasis, dropOrder: 8, csvOnly: true },
  ];
}

function percentColumn(key: string, header: string, value: (row: CryptoRow) => number | null, dropOrder: number): ColumnSpec<CryptoRow> {
  return { key, header, value, display: (row) => formatPercent(value(row)), align: 'right', signColor: true, dropOrder };
}

function sourcesCell(row: CryptoRow): string {
  const used = row.sources.map((source) => SOURCE_ABBREVIATIONS[source]);
  const mismatched = row.flags
    .filter((flag) => flag.startsWith('price_mismatch:'))
    .map((flag) => `!${SOURCE_ABBREVIATIONS[flag.slice('price_mismatch:'.length) as CryptoSource] ?? '?'}`);
  return [used.join(','), ...mismatched].join(' ');
}

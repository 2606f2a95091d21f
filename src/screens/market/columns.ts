import type { ColumnSpec } from '../../output/column-spec.js';
import { formatChangePct, formatCentsPrice, formatScore, formatVolume } from './format.js';
import { signalColumns } from '../signals/signal-columns.js';
import { MARKET_SIGNAL_KEYS } from './market-signals.js';
import { isChangeSinceOpen, type MarketRow } from './rows.js';

/** Marks a change % that is since today's open (the header too, and the stderr note says what it means). */
export const SINCE_OPEN_MARK = '*';

/**
 * Table/CSV columns for market. On a narrow terminal they are dropped in this order: signals (6), source (5),
 * name (4), volume (3), score (2); symbol, price and change % always stay. When some rows' change
 * is since today's open (Stooq), those cells and the header carry `SINCE_OPEN_MARK`.
 */
export function marketColumns(rows: readonly MarketRow[] = []): ColumnSpec<MarketRow>[] {
  const mark = rows.some(isChangeSinceOpen) ? SINCE_OPEN_MARK : '';
  return [
    { key: 'symbol', header: 'Symbol', value: (r) => r.symbol, dropOrder: 0 },
    { key: 'name', header: 'Name', value: (r) => r.name, display: (r) => r.name ?? '', dropOrder: 4, maxWidth: 24 },
    { key: 'price', header: 'Price', value: (r) => r.price, display: (r) => formatCentsPrice(r.price), align: 'right', dropOrder: 0 },
    {
      key: 'changePct',
      header: `Change %${mark}`,
      value: (r) => r.changePct,
      display: (r) => `${formatChangePct(r.changePct)}${mark && isChangeSinceOpen(r) ? mark : mark ? ' ' : ''}`,
      align: 'right',
      signColor: true,
      dropOrder: 0,
    },
    { key: 'changeBasis', header: 'Basis', value: (r) => r.changeBasis, dropOrder: 6, csvOnly: true },
    { key: 'volume', header: 'Volume', value: (r) => r.volume, display: (r) => formatVolume(r.volume), align: 'right', dropOrder: 3 },
    { key: 'score', header: 'Score', value: (r) => r.score, display: (r) => formatScore(r.score), align: 'right', dropOrder: 2 },
    { key: 'sources', header: 'Source', value: (r) => r.sources.join(','), dropOrder: 5 },
    ...signalColumns<MarketRow>(6, MARKET_SIGNAL_KEYS),
  ];
}

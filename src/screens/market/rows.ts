import type { MarketQuote, MarketSourceName } from '../../sources/market/quote.js';
import { type MarketSignalFields, NO_MARKET_SIGNALS } from './market-signals.js';
import { marketScore } from './score.js';

/**
 * One result row (the documented `--json` fields: `symbol, name, price, changePct, volume, score, sources`), then the
 * signal fields, null without daily bars.
 */
export interface MarketRow extends MarketSignalFields {
  symbol: string;
  name: string | null;
  price: number;
  /** Percent (1.5 = +1.5 %); since the previous close, or since the open for Stooq-only rows. */
  changePct: number | null;
  /** What `changePct` is measured against: the previous close, or today's open (Stooq's CSV has no previous close). */
  changeBasis: ChangeBasis;
  volume: number | null;
  score: number | null;
  /** Sources whose quotes made the row, best first. */
  sources: MarketSourceName[];
}

/** A row's `changeBasis` as JSON, CSV and rules name it. */
export type ChangeBasis = 'prevClose' | 'open';

/** `--sort` keys. */
export const MARKET_SORT_KEYS = ['change', 'volume', 'score'] as const;
export type MarketSortKey = (typeof MARKET_SORT_KEYS)[number];

/** Which quote a row takes its price and change from: previous-close sources first. */
export const QUOTE_QUALITY_ORDER: readonly MarketSourceName[] = ['finnhub', 'alphavantage', 'stooq'];

/**
 * Merges the quotes one symbol got (usually one) into a row. Price and change come from the best
 * quote (a change against the previous close beats Stooq's change since the open); volume and
 * name are filled from the others when the best one lacks them. `knownNames` (bundled names) win
 * over source names. Null when there is no quote.
 */
export function buildMarketRow(symbol: string, quotes: readonly MarketQuote[], knownNames: ReadonlyMap<string, string>): MarketRow | null {
  const ranked = [...quotes].sort(
    (a, b) => basisRank(a) - basisRank(b) || QUOTE_QUALITY_ORDER.indexOf(a.source) - QUOTE_QUALITY_ORDER.indexOf(b.source),
  );
  const best = ranked[0];
  if (!best) return null;
  const volume = best.volume ?? ranked.find((q) => q.volume !== null)?.volume ?? null;
  return {
    symbol,
    name: knownNames.get(symbol) ?? ranked.find((q) => q.name)?.name ?? null,
    price: best.price,
    changePct: best.changePct,
    changeBasis: best.changeBasis === 'open' ? 'open' : 'prevClose',
    volume,
    score: marketScore(best.changePct, volume),
    sources: [...new Set(ranked.map((q) => q.source))],
    ...NO_MARKET_SIGNALS,
  };
}

const basisRank = (quote: MarketQuote): number => (quote.changeBasis === 'previous-close' ? 0 : 1);

/**
 * Whether the row's change % is since today's open rather than the previous close: its best quote
 * is Stooq's, whose CSV has no previous close. Every other source's wins when there is one (see
 * `buildMarketRow`).
 */
export function isChangeSinceOpen(row: Pick<MarketRow, 'changeBasis'>): boolean {
  return row.changeBasis === 'open';
}

/**
 * Sorts rows by `key`, descending unless `ascending` (`--asc`). Rows without a value for the key
 * go last either way; ties are broken by symbol, A→Z.
 */
export function sortMarketRows(rows: readonly MarketRow[], key: MarketSortKey, ascending = false): MarketRow[] {
  const sortValue = (row: MarketRow): number | null => (key === 'change' ? row.changePct : key === 'volume' ? row.volume : row.score);
  return [...rows].sort((a, b) => {
    const va = sortValue(a);
    const vb = sortValue(b);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) return ascending ? va - vb : vb - va;
    return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
  });
}

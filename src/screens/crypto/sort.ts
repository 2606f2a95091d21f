import type { CryptoRow } from './crypto-row.js';

/** `--sort` keys. */
export const CRYPTO_SORT_KEYS = ['score', 'change24h', 'change7d', 'volume', 'mcap', 'turnover'] as const;
export type CryptoSortKey = (typeof CRYPTO_SORT_KEYS)[number];

const SORT_VALUE: Record<CryptoSortKey, (row: CryptoRow) => number | null> = {
  score: (row) => row.score,
  change24h: (row) => row.change24hPct,
  change7d: (row) => row.change7dPct,
  volume: (row) => row.volume24hUsd,
  mcap: (row) => row.marketCapUsd,
  turnover: (row) => row.turnover,
};

/**
 * Orders rows by `key`, descending unless `ascending`. Rows without a value sort last either
 * way. Ties break by market-cap rank (ascending, unranked last), then id, in both directions, so
 * the same data always prints in the same order (cron output diffs cleanly).
 */
export function sortCryptoRows(rows: readonly CryptoRow[], key: CryptoSortKey, ascending = false): CryptoRow[] {
  const sortValue = SORT_VALUE[key];
  return [...rows].sort((a, b) => {
    const byValue = compareNullable(sortValue(a), sortValue(b), ascending);
    if (byValue !== 0) return byValue;
    const byRank = compareNullable(a.rank, b.rank, true);
    if (byRank !== 0) return byRank;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

function compareNullable(a: number | null, b: number | null, ascending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return ascending ? a - b : b - a;
}

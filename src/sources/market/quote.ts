/** The market sources, in the order the scan prefers them when they would finish equally fast. */
export const MARKET_SOURCE_ORDER = ['stooq', 'finnhub', 'alphavantage'] as const;

export type MarketSourceName = (typeof MARKET_SOURCE_ORDER)[number];

/**
 * One quote as a source reported it. Plain JSON (it is cached as is): numbers are numbers or null.
 */
export interface MarketQuote {
  /** The symbol as the scan asked for it (upper case, e.g. `AAPL`), not the source's spelling. */
  symbol: string;
  /** Company name when the source gives one (Stooq does; Finnhub /quote and Alpha Vantage do not). */
  name: string | null;
  /** Last price, in the listing currency. */
  price: number;
  /** Change in percent (1.5 = +1.5 %) against `changeBasis`; null when the source cannot tell. */
  changePct: number | null;
  /**
   * What `changePct` compares with: the previous session's close (Finnhub, Alpha Vantage), or
   * today's open (Stooq's CSV has no previous close).
   */
  changeBasis: 'previous-close' | 'open';
  /** Shares traded in the session; null when the source does not report volume (Finnhub /quote). */
  volume: number | null;
  source: MarketSourceName;
}

/**
 * What asking one source about one symbol produced. `unknown` is an answer, not a failure: the
 * source does not know the symbol (Finnhub zeros, an empty Global Quote, a Stooq `N/D` row).
 */
export type QuoteOutcome = { kind: 'quote'; quote: MarketQuote } | { kind: 'unknown'; symbol: string; source: MarketSourceName };

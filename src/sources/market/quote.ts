import * as v from 'valibot';
import { QahtError } from '../../errors.js';

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

/**
 * Parses a decimal the way APIs write them as text (`"150.90"`, `"0.6671%"`, `"-1.2"`).
 * Blank, `N/D`, `-` and anything unparseable give null, never NaN.
 */
export function parseDecimal(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim().replace(/%$/, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** Rounds to `digits` decimals, keeping null (percentages stay readable in JSON). */
export function roundTo(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Validates `input` against a valibot schema, or throws the "changed shape" error every adapter
 * uses, with the first issue's path so a log says where the shape broke.
 */
export function parseWith<S extends v.GenericSchema>(source: MarketSourceName, schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue ? v.getDotPath(issue) : null;
  const reason = `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`;
  throw new QahtError('QAHT_ERR_INVALID_DATA', `${source} returned unexpected data: ${reason.slice(0, 160)}`);
}

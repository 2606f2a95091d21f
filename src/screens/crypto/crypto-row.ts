import type { SourceName } from '../../sources/source-names.js';
import type { Verdict } from '../eval/verdict.js';
import type { SignalFields, SignalFlag } from '../signals/signal-fields.js';

/** Sources that can contribute to a crypto row, in display order. */
export type CryptoSource = Extract<SourceName, 'coingecko' | 'binance' | 'coincap'>;

/** What a row's score was built from: its candles' signals (signals-v1), or the one snapshot (no history yet). */
export type ScoreBasis = 'signals' | 'snapshot';

/**
 * One screened coin: the documented `--json` fields first (`rank` … `sources`), then extras, then the signal
 * fields (README "Signals"). Numbers are numbers or null, never strings; text is raw (the output
 * layer sanitises it).
 */
export interface CryptoRow extends SignalFields {
  /** Market-cap rank from the universe source (CoinGecko, else CoinCap); null when unknown. The row order is the sort, not this. */
  rank: number | null;
  /** Provider id (`bitcoin`); the lower-cased base asset when only Binance answered. */
  id: string;
  /** Upper-cased ticker symbol. */
  symbol: string;
  name: string;
  priceUsd: number | null;
  change24hPct: number | null;
  change7dPct: number | null;
  volume24hUsd: number | null;
  marketCapUsd: number | null;
  /** 0–100, one decimal: signals-v1 with history, else the snapshot score (score.ts). */
  score: number;
  /** Sources whose data went into the row (a source whose price disagreed is not listed). */
  sources: CryptoSource[];
  change1hPct: number | null;
  /** 24 h volume / market cap (0.05 = 5% of the cap traded in a day). */
  turnover: number | null;
  /** About 24 points over 7 days, oldest first; null when no source had one. */
  sparkline7d: number[] | null;
  /** Warnings about the row, e.g. `price_mismatch:binance`. */
  flags: string[];
  scoreBasis: ScoreBasis;
  /**
   * What `screen eval` says, over 7 days, of each flag the row raises (`{"rvol": "helps"}`);
   * absent when the run read no journal.
   */
  verdicts?: Partial<Record<SignalFlag, Verdict>>;
}

/** A coin kept out of the results, and why (JSON `excluded`). */
export interface Exclusion {
  id: string;
  reason: string;
}

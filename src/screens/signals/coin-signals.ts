import type { CandleSeries } from '../../candle.js';
import { closedBefore } from './as-of.js';
import { rsi14 } from './rsi.js';
import { isSummary, NO_SERIES_SIGNALS, type SeriesSignals, seriesSignalsAsOf, type SeriesView } from './series-signals.js';
import type { SignalFields } from './signal-fields.js';

/** A coin's stored history: closed bars only, oldest first; null where none is stored. */
export interface CoinHistory {
  readonly daily: CandleSeries | null;
  /** None for a coin whose source keeps no hourly series (CoinGecko-only coins). */
  readonly hourly: CandleSeries | null;
}

/**
 * A coin's history as a run may hold it: each series whole, or as its summary (its figures
 * computed when it was stored, `series-signals.ts`), which gives the same signals as the series
 * at any instant the summary holds at.
 */
export interface CoinHistoryViews {
  readonly daily: SeriesView | null;
  readonly hourly: SeriesView | null;
}

/** One coin's signals on its own, before it is measured against the other ranked coins. */
export interface CoinSignals {
  /** Every field; `rs7dPct`, `rs30dPct` and `why` are filled by `rankSignals`. */
  fields: SignalFields;
  /** 7-day and 30-day close-to-close returns, percent; the market median is taken over these. */
  return7dPct: number | null;
  return30dPct: number | null;
  /** Enough candles to say "no breakout" (the score counts that as 0, not as unknown). */
  breakoutKnown: boolean;
  /** The last daily close used; null without history. */
  close: number | null;
}

/**
 * A coin's signals as of `asOfMs`: only bars closed before that instant are read (a run passes its
 * clock's now, so the forming bar is ignored; a backfill passes the end of a past day). Pure.
 */
export function coinSignalsAsOf(history: CoinHistoryViews | null | undefined, asOfMs: number): CoinSignals {
  const daily = history?.daily ? seriesSignalsAsOf(history.daily, asOfMs) : NO_SERIES_SIGNALS;
  // Of the hourly series only the RSI is read: the rest is not computed for it.
  const hourly = history?.hourly ? hourlyRsiAsOf(history.hourly, asOfMs) : null;
  return coinSignalsOf(daily, hourly);
}

/** The RSI of the hourly series as of `asOfMs`. */
function hourlyRsiAsOf(view: SeriesView, asOfMs: number): number | null {
  return isSummary(view) ? seriesSignalsAsOf(view, asOfMs).rsi14 : rsi14(view.close, closedBefore(view, asOfMs));
}

/** A coin's signals from its daily series' figures and its hourly series' RSI. */
function coinSignalsOf(daily: SeriesSignals, rsi14h: number | null): CoinSignals {
  return {
    fields: {
      rvol: daily.rvol,
      breakout: daily.breakout,
      rs7dPct: null,
      rs30dPct: null,
      squeezePct: daily.squeezePct,
      rsi14: daily.rsi14,
      rsi14h,
      trend: daily.trend,
      listedDays: daily.listedDays,
      historyAsOf: daily.historyAsOf,
      why: '',
    },
    return7dPct: daily.return7dPct,
    return30dPct: daily.return30dPct,
    breakoutKnown: daily.breakoutKnown,
    close: daily.close,
  };
}

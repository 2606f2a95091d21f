/**
 * Everything the signals read of ONE series, over its first `end` bars: the per-series figures a
 * coin's signals are made of (`coin-signals.ts` takes the daily series' figures and the hourly
 * series' RSI). Pure.
 *
 * A stored series holds closed bars only and changes only when it is written, so its figures over
 * all its bars can be computed once, when it is written, and kept beside it as a small summary
 * (`SeriesSummary`): a run then reads the summaries instead of 500 whole series. A summary holds
 * for every instant at or after `closedBy` (every bar closed by then, so `closedBefore` keeps them
 * all); earlier instants, and summaries of another `SERIES_SIGNALS_VERSION`, need the series.
 */
import type { CandleInterval, CandleSeries } from '../../candle.js';
import { closedBefore } from './as-of.js';
import { breakout, breakoutKnown } from './breakout.js';
import { historyAsOf, listedDays } from './listing.js';
import { returnPct } from './returns.js';
import { rsi14 } from './rsi.js';
import { rvol } from './rvol.js';
import type { Breakout, Trend } from './signal-fields.js';
import { squeezePct } from './squeeze.js';
import { trend } from './trend.js';

/**
 * Bumped whenever a definition a `SeriesSignals` figure depends on changes (a signal function, a
 * needed-candle count): summaries of another version are recomputed from their series.
 */
export const SERIES_SIGNALS_VERSION = 1;

/** One series' own figures over its first `end` bars; null where it has too few. */
export interface SeriesSignals {
  readonly rvol: number | null;
  readonly breakout: Breakout | null;
  readonly squeezePct: number | null;
  readonly rsi14: number | null;
  readonly trend: Trend | null;
  readonly listedDays: number | null;
  readonly historyAsOf: string | null;
  /** 7-day and 30-day close-to-close returns, percent. */
  readonly return7dPct: number | null;
  readonly return30dPct: number | null;
  /** Enough bars to say "no breakout". */
  readonly breakoutKnown: boolean;
  /** The last close used; null without bars. */
  readonly close: number | null;
}

/** A series' figures over all its bars, computed when it was stored, and from when they hold. */
export interface SeriesSummary {
  readonly interval: CandleInterval;
  readonly signals: SeriesSignals;
  /** Epoch ms from which every bar of the series has closed (its last open time + one interval). */
  readonly closedBy: number;
  /** Open time of its last bar (undefined: an empty series). */
  readonly lastOpen: number | undefined;
}

/** The figures of `series` over its first `end` bars. */
export function seriesSignals(series: CandleSeries, end = series.openTime.length): SeriesSignals {
  const { close, openTime } = series;
  return {
    rvol: rvol(series.quoteVolume, end),
    breakout: breakout(series.high, close, end),
    squeezePct: squeezePct(close, end),
    rsi14: rsi14(close, end),
    trend: trend(close, end),
    listedDays: listedDays(openTime, end),
    historyAsOf: historyAsOf(openTime, end),
    return7dPct: returnPct(close, 7, end),
    return30dPct: returnPct(close, 30, end),
    breakoutKnown: breakoutKnown(end),
    close: end > 0 ? close[end - 1]! : null,
  };
}

/** The figures of a series with no bars: every one null. */
export const NO_SERIES_SIGNALS: SeriesSignals = Object.freeze(
  seriesSignals({ interval: '1d', openTime: [], open: [], high: [], low: [], close: [], quoteVolume: [] }),
);

/** A series, or the summary of one. */
export type SeriesView = CandleSeries | SeriesSummary;

/** True for a summary, false for a series. */
export function isSummary(view: SeriesView): view is SeriesSummary {
  return 'signals' in view;
}

/** The figures of `view` as of `asOfMs` (only bars closed by then). @throws RangeError for a summary that does not hold then */
export function seriesSignalsAsOf(view: SeriesView, asOfMs: number): SeriesSignals {
  if (!isSummary(view)) return seriesSignals(view, closedBefore(view, asOfMs));
  if (asOfMs < view.closedBy) throw new RangeError(`a series summary holds from ${view.closedBy}, not as of ${asOfMs}`);
  return view.signals;
}

/** Open time of the view's last bar (undefined: no bars). */
export function lastOpenOf(view: SeriesView): number | undefined {
  return isSummary(view) ? view.lastOpen : view.openTime.at(-1);
}

import type { CandleSeries } from '../../candle.js';
import { closedBefore } from './as-of.js';
import { breakout, breakoutKnown } from './breakout.js';
import { historyAsOf, listedDays } from './listing.js';
import { returnPct } from './returns.js';
import { rsi14 } from './rsi.js';
import { rvol } from './rvol.js';
import type { SignalFields } from './signal-fields.js';
import { squeezePct } from './squeeze.js';
import { trend } from './trend.js';

/** A coin's stored history: closed bars only, oldest first; null where none is stored. */
export interface CoinHistory {
  readonly daily: CandleSeries | null;
  /** None for a coin whose source keeps no hourly series (CoinGecko-only coins). */
  readonly hourly: CandleSeries | null;
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
export function coinSignalsAsOf(history: CoinHistory | null | undefined, asOfMs: number): CoinSignals {
  const daily = history?.daily ?? null;
  const hourly = history?.hourly ?? null;
  const end = daily ? closedBefore(daily, asOfMs) : 0;
  const hourlyEnd = hourly ? closedBefore(hourly, asOfMs) : 0;
  const close = daily?.close ?? [];
  const openTime = daily?.openTime ?? [];
  return {
    fields: {
      rvol: daily ? rvol(daily.quoteVolume, end) : null,
      breakout: daily ? breakout(daily.high, close, end) : null,
      rs7dPct: null,
      rs30dPct: null,
      squeezePct: squeezePct(close, end),
      rsi14: rsi14(close, end),
      rsi14h: hourly ? rsi14(hourly.close, hourlyEnd) : null,
      trend: trend(close, end),
      listedDays: listedDays(openTime, end),
      historyAsOf: historyAsOf(openTime, end),
      why: '',
    },
    return7dPct: returnPct(close, 7, end),
    return30dPct: returnPct(close, 30, end),
    breakoutKnown: breakoutKnown(end),
    close: end > 0 ? close[end - 1]! : null,
  };
}

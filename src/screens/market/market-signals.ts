import type { CandleSeries } from '../../candle.js';
import { coinSignalsAsOf } from '../signals/coin-signals.js';
import { rankSignals } from '../signals/rank-signals.js';
import type { SignalFields } from '../signals/signal-fields.js';

/** The signal fields a market row carries (README "Signals": the daily ones that mean something for a stock). */
export const MARKET_SIGNAL_KEYS = ['rvol', 'breakout', 'rs7dPct', 'rsi14', 'trend', 'historyAsOf', 'why'] as const;
export type MarketSignalFields = Pick<SignalFields, (typeof MARKET_SIGNAL_KEYS)[number]>;

/** A market row's signal fields without daily bars. */
export const NO_MARKET_SIGNALS: Readonly<MarketSignalFields> = Object.freeze({
  rvol: null,
  breakout: null,
  rs7dPct: null,
  rsi14: null,
  trend: null,
  historyAsOf: null,
  why: '',
});

/**
 * The rows with their signal fields from the stored daily bars (by symbol), as of `asOfMs`, on
 * the crypto definitions: `rs7dPct` against the median 7-day return of the rows given that have
 * bars. Rows without bars keep null fields. Pure; a new array of new rows.
 */
export function withMarketSignals<Row extends MarketSignalFields & { symbol: string }>(
  rows: readonly Row[],
  daily: ReadonlyMap<string, CandleSeries> | undefined,
  asOfMs: number,
): Row[] {
  if (!daily || daily.size === 0) return [...rows];
  const withBars = rows.flatMap((row, at) => (daily.has(row.symbol) ? [at] : []));
  const ranked = rankSignals(withBars.map((at) => coinSignalsAsOf({ daily: daily.get(rows[at]!.symbol)!, hourly: null }, asOfMs)));
  const out = [...rows];
  withBars.forEach((at, i) => {
    const fields = ranked[i]!.fields;
    out[at] = { ...rows[at]!, ...Object.fromEntries(MARKET_SIGNAL_KEYS.map((key) => [key, fields[key]])) };
  });
  return out;
}

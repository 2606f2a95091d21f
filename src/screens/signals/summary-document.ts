/**
 * The stored form of a series' figures (`SeriesSignals`): a small JSON object kept beside the
 * series (in its entry's header, so a run reads it without the series), tagged with
 * `SERIES_SIGNALS_VERSION`. JSON keeps every finite double exactly, so the figures read back are
 * the figures computed. Checked on read: another version or any other shape is no summary (the
 * reader then computes from the series), never a crash.
 */
import { type CandleInterval, type CandleSeries, INTERVAL_MS } from '../../candle.js';
import { SERIES_SIGNALS_VERSION, type SeriesSignals, type SeriesSummary, seriesSignals } from './series-signals.js';

const NUMBERS = ['rvol', 'squeezePct', 'rsi14', 'return7dPct', 'return30dPct', 'close'] as const;
const BREAKOUTS: ReadonlySet<unknown> = new Set(['52w', '20d', null]);
const TRENDS: ReadonlySet<unknown> = new Set(['up', 'down', 'mixed', null]);

/** The document of `series`' figures over all its bars; undefined when one cannot be kept exactly (not a finite number). */
export function signalsDocument(series: CandleSeries): Record<string, unknown> | undefined {
  const signals = seriesSignals(series);
  for (const name of NUMBERS) {
    const value = signals[name];
    if (value !== null && !Number.isFinite(value)) return undefined;
  }
  return { v: SERIES_SIGNALS_VERSION, ...signals };
}

/**
 * The summary a stored document gives, for a series of `interval` whose last bar opened at
 * `lastOpen` (the store's own record of the series it was written with); undefined when the
 * document is of another version or not exactly this shape.
 */
export function summaryFromDocument(doc: unknown, interval: CandleInterval, lastOpen: number | undefined): SeriesSummary | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  if (d.v !== SERIES_SIGNALS_VERSION) return undefined;
  for (const name of NUMBERS) if (d[name] !== null && !(typeof d[name] === 'number' && Number.isFinite(d[name]))) return undefined;
  const listed = d.listedDays;
  if (listed !== null && !Number.isSafeInteger(listed)) return undefined;
  if (!BREAKOUTS.has(d.breakout) || !TRENDS.has(d.trend) || typeof d.breakoutKnown !== 'boolean') return undefined;
  if (d.historyAsOf !== null && typeof d.historyAsOf !== 'string') return undefined;
  const signals: SeriesSignals = {
    rvol: d.rvol as number | null,
    breakout: d.breakout as SeriesSignals['breakout'],
    squeezePct: d.squeezePct as number | null,
    rsi14: d.rsi14 as number | null,
    trend: d.trend as SeriesSignals['trend'],
    listedDays: listed as number | null,
    historyAsOf: d.historyAsOf,
    return7dPct: d.return7dPct as number | null,
    return30dPct: d.return30dPct as number | null,
    breakoutKnown: d.breakoutKnown,
    close: d.close as number | null,
  };
  const closedBy = lastOpen === undefined ? Number.NEGATIVE_INFINITY : lastOpen + INTERVAL_MS[interval];
  return { interval, signals, closedBy, lastOpen };
}

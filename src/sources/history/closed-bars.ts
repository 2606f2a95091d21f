import { type CandleInterval, type CandleSeries, closeTimeOf } from '../../candle.js';

/** One bar as an adapter reads it, before it is folded into a series. */
export interface Bar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  quoteVolume: number;
}

/**
 * The closed bars among `bars` as a series, oldest first, one per open time: a bar whose close
 * time is not yet past `nowMs` (the run's own clock, never a server's) is still forming and is
 * dropped, as is any bar not aligned to the interval or with a value that is not a finite number.
 */
export function closedSeries(bars: readonly Bar[], interval: CandleInterval, nowMs: number): CandleSeries {
  const byOpen = new Map<number, Bar>();
  for (const bar of bars) {
    if (closeTimeOf(bar.openTime, interval) >= nowMs) continue;
    if (![bar.openTime, bar.open, bar.high, bar.low, bar.close, bar.quoteVolume].every(Number.isFinite)) continue;
    byOpen.set(bar.openTime, bar);
  }
  const sorted = [...byOpen.values()].sort((a, b) => a.openTime - b.openTime);
  return {
    interval,
    openTime: sorted.map((b) => b.openTime),
    open: sorted.map((b) => b.open),
    high: sorted.map((b) => b.high),
    low: sorted.map((b) => b.low),
    close: sorted.map((b) => b.close),
    quoteVolume: sorted.map((b) => b.quoteVolume),
  };
}

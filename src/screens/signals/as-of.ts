import { type CandleSeries, INTERVAL_MS } from '../../candle.js';

/**
 * How many of the series' bars had closed before `asOfMs`: signals as of a time read only these,
 * so a bar still forming, and anything after, can never reach them. Binary search on open times.
 */
export function closedBefore(series: CandleSeries, asOfMs: number): number {
  const { openTime } = series;
  const latestOpen = asOfMs - INTERVAL_MS[series.interval];
  let low = 0;
  let high = openTime.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (openTime[middle]! <= latestOpen) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The instant a UTC day ends: signals as of day `dayOpenMs` read every bar closed by then. */
export function endOfDay(dayOpenMs: number): number {
  return dayOpenMs + INTERVAL_MS['1d'];
}

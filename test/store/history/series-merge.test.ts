import { describe, expect, it } from 'vitest';
import { type CandleSeries, INTERVAL_MS } from '../../../src/candle.js';
import { seriesDocument, seriesFromDocument } from '../../../src/store/history/series-codec.js';
import { emptySeries, mergeSeries, nextFetch } from '../../../src/store/history/series-merge.js';

const DAY = INTERVAL_MS['1d'];
const T0 = Date.UTC(2026, 0, 1);

function days(opens: number[]): CandleSeries {
  return {
    ...emptySeries('1d'),
    openTime: opens.map((i) => T0 + i * DAY),
    open: opens,
    high: opens,
    low: opens,
    close: opens,
    quoteVolume: opens,
  };
}

describe('a stored series', () => {
  it('merges by open time, one bar per time, oldest first, keeping the newest 1,000', () => {
    const merged = mergeSeries(days([0, 1, 2]), days([2, 3]));
    expect(merged.openTime).toEqual([0, 1, 2, 3].map((i) => T0 + i * DAY));
    const capped = mergeSeries(days(Array.from({ length: 995 }, (_, i) => i)), days([995, 996, 997, 998, 999, 1000, 1001]));
    expect(capped.openTime).toHaveLength(1000);
    expect(capped.openTime[0]).toBe(T0 + 2 * DAY);
  });

  it('merges the same whatever the order: appended bars, a first fill, a fetch that overlaps or comes unordered', () => {
    const priced = (opens: number[], price: number): CandleSeries => ({ ...days(opens), close: opens.map(() => price) });
    const appended = mergeSeries(days([0, 1, 2]), priced([3, 4], 9));
    expect(appended.openTime).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * DAY));
    expect(appended.close).toEqual([0, 1, 2, 9, 9]);
    const first = mergeSeries(undefined, days(Array.from({ length: 1005 }, (_, i) => i)));
    expect(first.openTime).toHaveLength(1000);
    expect(first.open[0]).toBe(5);
    expect(mergeSeries(emptySeries('1d'), days([0, 1])).openTime).toEqual([T0, T0 + DAY]);
    // A fetched bar replaces the stored one at its open time.
    const overlap = mergeSeries(days([0, 1, 2]), priced([2, 3], 9));
    expect(overlap.close).toEqual([0, 1, 9, 9]);
    const unordered = mergeSeries(undefined, priced([2, 0, 1, 0], 5));
    expect(unordered.openTime).toEqual([0, 1, 2].map((i) => T0 + i * DAY));
    const older = mergeSeries(days([5, 6]), days([1, 2]));
    expect(older.openTime).toEqual([1, 2, 5, 6].map((i) => T0 + i * DAY));
  });

  it('is due when its next candle has closed by the clock, never before; a never-fetched one is due', () => {
    const series = days([0, 1]);
    expect(nextFetch(undefined, '1d', T0).due).toBe(true);
    expect(nextFetch(series, '1d', T0 + 3 * DAY - 1).due).toBe(false);
    expect(nextFetch(series, '1d', T0 + 3 * DAY)).toMatchObject({ due: true, startTime: T0 + 2 * DAY, missing: 1 });
  });

  it('repairs its first gap with the next due fetch; a gap alone costs no request', () => {
    const holed = days([0, 1, 4, 5]);
    expect(nextFetch(holed, '1d', T0 + 6 * DAY).due).toBe(false);
    expect(nextFetch(holed, '1d', T0 + 7 * DAY)).toMatchObject({ due: true, startTime: T0 + 2 * DAY });
  });

  it('asks for the newest candles when it is further behind than one request reaches', () => {
    expect(nextFetch(days([0]), '1d', T0 + 2000 * DAY)).toMatchObject({ due: true, startTime: undefined });
  });

  it('round-trips through its stored document with every float exact; a foreign document reads as missing', () => {
    const stored = { series: days([0, 1, 5]), fetchedAt: 7 };
    expect(seriesFromDocument(JSON.parse(JSON.stringify(seriesDocument(stored))), '1d')).toEqual(stored);
    const odd = [0.1 + 0.2, 43210.12345678, 1e-8, 123456789012.5];
    const exact = { series: { ...days([0, 1, 2, 3]), close: odd, quoteVolume: odd.map((x) => x * 3) }, fetchedAt: 9 };
    const read = seriesFromDocument(JSON.parse(JSON.stringify(seriesDocument(exact))), '1d');
    expect(read?.series.close).toEqual(odd);
    expect(read?.series.openTime).toEqual([0, 1, 2, 3].map((i) => T0 + i * DAY));
    expect(seriesFromDocument(seriesDocument({ series: emptySeries('1d'), fetchedAt: 1 }), '1d')?.series.openTime).toEqual([]);
    expect(seriesFromDocument({ v: 2 }, '1d')).toBeUndefined();
    expect(seriesFromDocument(seriesDocument(stored), '1h')).toBeUndefined();
    const doc = seriesDocument(stored) as { f64: string; dt: number[] };
    // The previous (decimal-column) format is a miss, and is fetched again.
    expect(seriesFromDocument({ ...doc, v: 1, c: [0, 1, 5] }, '1d')).toBeUndefined();
    expect(seriesFromDocument({ ...doc, f64: doc.f64.slice(0, -12) }, '1d')).toBeUndefined();
    expect(seriesFromDocument({ ...doc, dt: [1, 0] }, '1d')).toBeUndefined();
    const nan = Buffer.from(doc.f64, 'base64');
    nan.writeDoubleLE(Number.NaN, 8);
    expect(seriesFromDocument({ ...doc, f64: nan.toString('base64') }, '1d')).toBeUndefined();
  });
});

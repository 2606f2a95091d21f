import { describe, expect, it } from 'vitest';
import { medianInPlace, selectInPlace } from '../../../src/screens/eval/order-statistic.js';
import { mulberry32 } from '../../../src/screens/eval/seeded-random.js';

/** Quickselect gives what a full sort puts at each index, ties and all; the median likewise. */
describe('order statistics', () => {
  const random = mulberry32(31);
  const samples = Array.from({ length: 300 }, (_, s) => {
    const n = 1 + (s % 40) + (s > 250 ? 250 : 0);
    // Every third sample full of ties: few distinct values.
    return Float64Array.from({ length: n }, () => (s % 3 === 0 ? Math.floor(random() * 4) : random() * 200 - 100));
  });

  it('selects the value a sort puts at index k', () => {
    for (const sample of samples) {
      const sorted = Float64Array.from(sample).sort();
      for (const k of new Set([0, sample.length >> 1, sample.length - 1, Math.floor(random() * sample.length)])) {
        const copy = Float64Array.from(sample);
        expect(selectInPlace(copy, k)).toBe(sorted[k]);
        expect(copy.subarray(0, k).every((value) => value <= sorted[k]!)).toBe(true);
        expect(copy.subarray(k + 1).every((value) => value >= sorted[k]!)).toBe(true);
        expect(Float64Array.from(copy).sort()).toEqual(sorted);
      }
    }
  });

  it('takes the median as a sort would: the middle value, or the mean of the two middle ones', () => {
    for (const sample of samples) {
      const sorted = Float64Array.from(sample).sort();
      const middle = sorted.length >> 1;
      const expected = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
      expect(medianInPlace(Float64Array.from(sample))).toBe(expected);
    }
  });
});

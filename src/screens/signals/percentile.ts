/**
 * Percentile rank among a population: 100 × the share of the known values that are ≤ x (the same
 * "share at or below" the squeeze percentile uses), so the highest value scores 100. Nulls are
 * left out of the population; a null x has no rank.
 */
export function percentileRanker(values: readonly (number | null)[]): (x: number | null) => number | null {
  const known = Float64Array.from(values.filter((value): value is number => value !== null && Number.isFinite(value))).sort();
  const n = known.length;
  return (x) => {
    if (x === null || n === 0) return null;
    let low = 0;
    let high = n;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (known[middle]! <= x) low = middle + 1;
      else high = middle;
    }
    return (100 * low) / n;
  };
}

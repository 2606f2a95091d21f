/**
 * The k-th smallest of some numbers without sorting them all: `screen eval` takes a median and a
 * top-decile cut of every day's rows at every horizon, and a full sort per day was a good part
 * of its time. Quickselect (Hoare's partition, middle pivot) gives the very value a sort would put
 * at index k, so the statistics do not change.
 */

/**
 * The value a full ascending sort of `values` would put at index `k` (0-based). Reorders
 * `values` in place: every value before index k is then ≤ it, every value after ≥ it. No NaNs.
 */
export function selectInPlace(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return values[k]!;
}

/** The median of `values` (the mean of the two middle ones for an even count); reorders them. Not empty, no NaNs. */
export function medianInPlace(values: Float64Array): number {
  const middle = values.length >> 1;
  const upper = selectInPlace(values, middle);
  if (values.length % 2 === 1) return upper;
  // Everything before `middle` is ≤ the upper middle: the lower middle is the largest of them.
  let lower = values[0]!;
  for (let i = 1; i < middle; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/**
 * Finding every pair of headlines that `titlesMatch`, in near-linear time. Comparing all pairs is
 * quadratic: 10k items took 8 s and 100k never finished. Instead (prefix filtering, as in
 * similarity joins), only pairs that share one of a few chosen tokens are compared, and those
 * few are enough to find every match:
 *
 * - Both match rules need the shorter title (s tokens) to share at least ⌈8s/9⌉ of its tokens
 *   with the longer: Jaccard ≥ 0.8 means 9·shared ≥ 4·(s + l) ≥ 8s, and 90% containment means
 *   shared ≥ 0.9s. A match is also at most twice as long, so it shares α ≥ ⌈4l/9⌉ of the longer
 *   title's l tokens too.
 * - Tokens are put in one order, rarest first (then by text). Of two titles sharing α tokens,
 *   the first shared one in that order lies among the first s − α + 1 tokens of the shorter and
 *   the first l − α + 1 of the longer (every other shared token follows it in both). So each
 *   title is indexed under its first l − ⌈4l/9⌉ + 1 tokens, looks up its first s − ⌈8s/9⌉ + 1,
 *   and meets every title it can match. Rarest first keeps those lists short.
 * - Titles become sorted arrays of token numbers, so the overlap is counted by one merge pass.
 * - Identical token sets are joined up front and looked at once, so a feed repeating one headline
 *   thousands of times costs no more than one.
 *
 * The pairs compared are a subset of all pairs that contains every matching one, and the match
 * rule is `titlesMatch`'s own (`countsMatch`), so the result is exactly the all-pairs result.
 */
import {
  countsMatch,
  TITLE_CONTAINMENT_MAX_RATIO,
  TITLE_CONTAINMENT_THRESHOLD,
  TITLE_JACCARD_THRESHOLD,
  TITLE_MIN_TOKENS,
} from './title-similarity.js';

/**
 * Least share of the shorter title's tokens that a match needs: 2t/(1+t) for Jaccard t (the
 * longer title at least as long), the containment share itself; 8/9 with today's thresholds.
 */
const MIN_SHARED_FRACTION = Math.min((2 * TITLE_JACCARD_THRESHOLD) / (1 + TITLE_JACCARD_THRESHOLD), TITLE_CONTAINMENT_THRESHOLD);

/** Union-find access: whether two items are already one story, and how to make them one. */
export interface TitleJoiner {
  joined(a: number, b: number): boolean;
  join(a: number, b: number): void;
}

/** Calls `joiner.join(i, j)` for every pair of token sets that match (see the file header), except pairs already joined. */
export function joinMatchingTitles(sets: ReadonlyArray<ReadonlySet<string>>, joiner: TitleJoiner): void {
  const titles = toOrderedIds(sets);
  const { ids, start, length } = titles;
  const representatives = joinIdenticalTitles(titles, joiner);

  // Each list holds the titles indexed under one token and where the token sits in each, shortest
  // title first (filled in that order), so a look-up can start at the first title as long as the
  // one looking and stop past twice its length.
  const holders = new Map<number, Holders>();
  for (const index of byLength(representatives, length)) {
    const indexed = length[index]! - leastShared(length[index]! / TITLE_CONTAINMENT_MAX_RATIO) + 1;
    for (let k = 0; k < indexed; k++) {
      const token = ids[start[index]! + k]!;
      let list = holders.get(token);
      if (!list) {
        list = { titles: [], positions: [] };
        holders.set(token, list);
      }
      list.titles.push(index);
      list.positions.push(k);
    }
  }

  // Marks which candidates the current title already looked at (by title index), without clearing.
  const lookedAtBy = new Int32Array(sets.length).fill(-1);
  for (const index of representatives) {
    const size = length[index]!;
    const longest = size * TITLE_CONTAINMENT_MAX_RATIO;
    for (let k = 0; k <= size - leastShared(size); k++) {
      const list = holders.get(ids[start[index]! + k]!);
      if (!list) continue;
      // The shorter title does the looking; between equal lengths, the lower index.
      for (let at = firstAtLeast(list.titles, size, length); at < list.titles.length; at++) {
        const other = list.titles[at]!;
        const otherSize = length[other]!;
        if (otherSize > longest) break;
        if ((other <= index && otherSize === size) || lookedAtBy[other] === index) continue;
        lookedAtBy[other] = index;
        const need = sharedNeeded(size, otherSize);
        // At most the rarer tokens before this one in both, this one, and those after it in both
        // are shared: when that is too few, no other shared token can make it more.
        const position = list.positions[at]!;
        if (Math.min(k, position) + 1 + Math.min(size - k - 1, otherSize - position - 1) < need) continue;
        if (sharesAtLeast(titles, index, other, need) && !joiner.joined(index, other)) joiner.join(index, other);
      }
    }
  }
}

/**
 * Every title's tokens as ascending numbers in one flat array: title i holds
 * `ids[start[i] .. start[i] + length[i]]`; length 0 for a title too short to match anything.
 * (One array, not one per title: a hundred thousand small arrays cost more in GC than the search.)
 */
interface OrderedTitles {
  ids: Int32Array;
  start: Int32Array;
  length: Int32Array;
}

/** The titles indexed under one token, with the token's position in each (parallel lists). */
interface Holders {
  titles: number[];
  positions: number[];
}

/**
 * Numbers every token by its place in the one global order (rarest first, ties by text), so a
 * title's first numbers are its rarest tokens. One string look-up per token; the rest is integer work.
 */
function toOrderedIds(sets: ReadonlyArray<ReadonlySet<string>>): OrderedTitles {
  const start = new Int32Array(sets.length);
  const length = new Int32Array(sets.length);
  let total = 0;
  sets.forEach((set, index) => {
    start[index] = total;
    length[index] = set.size < TITLE_MIN_TOKENS ? 0 : set.size;
    total += length[index]!;
  });
  const ids = new Int32Array(total);
  const seenId = new Map<string, number>();
  const tokens: string[] = [];
  const counts: number[] = [];
  sets.forEach((set, index) => {
    if (length[index] === 0) return;
    let at = start[index]!;
    for (const token of set) {
      let id = seenId.get(token);
      if (id === undefined) {
        id = tokens.length;
        seenId.set(token, id);
        tokens.push(token);
        counts.push(0);
      }
      counts[id]!++;
      ids[at++] = id;
    }
  });
  const order = Array.from(tokens.keys()).sort((a, b) => counts[a]! - counts[b]! || (tokens[a]! < tokens[b]! ? -1 : 1));
  const place = new Int32Array(tokens.length);
  order.forEach((id, at) => {
    place[id] = at;
  });
  for (let at = 0; at < total; at++) ids[at] = place[ids[at]!]!;
  for (let index = 0; index < sets.length; index++) sortRange(ids, start[index]!, start[index]! + length[index]!);
  return { ids, start, length };
}

/** Joins titles with identical tokens; resolves one index per distinct title, in index order. */
function joinIdenticalTitles(titles: OrderedTitles, joiner: TitleJoiner): number[] {
  const { ids, start, length } = titles;
  // Buckets by a hash of the numbers; a bucket's titles are compared whole, so a collision costs time, never a wrong merge.
  const buckets = new Map<number, number[]>();
  const representatives: number[] = [];
  for (let index = 0; index < length.length; index++) {
    if (length[index] === 0) continue;
    let hash = length[index]!;
    for (let at = start[index]!; at < start[index]! + length[index]!; at++) hash = Math.imul(hash ^ ids[at]!, 0x9e3779b1) >>> 0;
    const bucket = buckets.get(hash);
    const same = bucket?.find((first) => sameTitle(titles, first, index));
    if (same !== undefined) {
      if (!joiner.joined(same, index)) joiner.join(same, index);
      continue;
    }
    if (bucket) bucket.push(index);
    else buckets.set(hash, [index]);
    representatives.push(index);
  }
  return representatives;
}

/** The indices ordered by length, shortest first (equal lengths in index order); a counting sort. */
function byLength(indices: readonly number[], length: Int32Array): number[] {
  const buckets: number[][] = [];
  for (const index of indices) {
    const bucket = buckets[length[index]!];
    if (bucket) bucket.push(index);
    else buckets[length[index]!] = [index];
  }
  return buckets.flat();
}

/** Position of the first title in `list` (sorted by length) with at least `size` tokens. */
function firstAtLeast(list: readonly number[], size: number, length: Int32Array): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (length[list[middle]!]! < size) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Fewest tokens a title of `size` tokens shares with any title it matches as the shorter one. */
function leastShared(size: number): number {
  // The epsilon keeps float error in the product from raising the bound past the true one.
  return Math.max(1, Math.ceil(MIN_SHARED_FRACTION * size - 1e-9));
}

/** Memo of `sharedNeeded` by lengths (titles are short, so it stays small). */
const neededByLengths = new Map<number, number>();

/**
 * Fewest shared tokens with which a title of `shortSize` tokens matches one of `longSize`:
 * `countsMatch` grows with the overlap, so it holds exactly from this count on (Infinity: never).
 */
function sharedNeeded(shortSize: number, longSize: number): number {
  const memoKey = shortSize * 65_536 + longSize;
  let need = neededByLengths.get(memoKey);
  if (need === undefined) {
    need = Number.POSITIVE_INFINITY;
    for (let shared = 0; shared <= shortSize; shared++) {
      if (countsMatch(shortSize, longSize, shared)) {
        need = shared;
        break;
      }
    }
    neededByLengths.set(memoKey, need);
  }
  return need;
}

/** Whether titles `a` and `b` share at least `need` tokens; stops as soon as the answer is known. */
function sharesAtLeast(titles: OrderedTitles, a: number, b: number, need: number): boolean {
  const { ids, start, length } = titles;
  const aEnd = start[a]! + length[a]!;
  const bEnd = start[b]! + length[b]!;
  let shared = 0;
  for (let i = start[a]!, j = start[b]!; i < aEnd && j < bEnd; ) {
    if (shared + Math.min(aEnd - i, bEnd - j) < need) return false;
    if (ids[i] === ids[j]) {
      if (++shared >= need) return true;
      i++;
      j++;
    } else if (ids[i]! < ids[j]!) i++;
    else j++;
  }
  return shared >= need;
}

function sameTitle(titles: OrderedTitles, a: number, b: number): boolean {
  const { ids, start, length } = titles;
  if (length[a] !== length[b]) return false;
  for (let k = 0; k < length[a]!; k++) if (ids[start[a]! + k] !== ids[start[b]! + k]) return false;
  return true;
}

/** Insertion sort of `ids[from .. to]`: titles are a handful of tokens, and a view per title would cost more. */
function sortRange(ids: Int32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const value = ids[i]!;
    let j = i - 1;
    for (; j >= from && ids[j]! > value; j--) ids[j + 1] = ids[j]!;
    ids[j + 1] = value;
  }
}

/**
 * When two headlines name the same story. Outlets rewrite headlines lightly ("SEC approves spot
 * bitcoin ETFs" / "SEC Approves Spot Bitcoin ETF"), and Google News links are redirects, so
 * title matching is what merges most cross-source duplicates.
 */

/** Jaccard similarity of the token sets at or above which two titles are the same story. */
export const TITLE_JACCARD_THRESHOLD = 0.8;
/** Share of the shorter title's tokens found in the longer one at or above which they match... */
export const TITLE_CONTAINMENT_THRESHOLD = 0.9;
/** ...when the shorter title has at least this many tokens (fewer is too generic to trust)... */
export const TITLE_CONTAINMENT_MIN_TOKENS = 4;
/** ...and the longer is at most this many times as long (a short title inside a long one, not a keyword list). */
export const TITLE_CONTAINMENT_MAX_RATIO = 2;
/** Titles with fewer tokens never merge on title alone ("Bitcoin" vs "Bitcoin"). */
export const TITLE_MIN_TOKENS = 2;

/** |A ∩ B| / |A ∪ B|; 0 when both are empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const shared = intersectionSize(a, b);
  return shared / (a.size + b.size - shared);
}

/**
 * Same story by title: Jaccard ≥ 0.8, or (for a short title quoted inside a longer one) at least
 * 90% of the shorter title's tokens in the longer, the shorter having ≥ 4 tokens and the longer at
 * most twice as many. Takes token sets from `tokenize`.
 */
export function titlesMatch(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [short, long] = a.size <= b.size ? [a, b] : [b, a];
  if (short.size < TITLE_MIN_TOKENS) return false;
  return countsMatch(short.size, long.size, intersectionSize(short, long));
}

/**
 * The rule of `titlesMatch` on counts alone: the shorter title's token count, the longer's, and
 * how many they share (for callers that count the overlap their own way).
 */
export function countsMatch(shortSize: number, longSize: number, shared: number): boolean {
  if (shortSize < TITLE_MIN_TOKENS) return false;
  if (shared / (shortSize + longSize - shared) >= TITLE_JACCARD_THRESHOLD) return true;
  return (
    shortSize >= TITLE_CONTAINMENT_MIN_TOKENS &&
    longSize <= shortSize * TITLE_CONTAINMENT_MAX_RATIO &&
    shared / shortSize >= TITLE_CONTAINMENT_THRESHOLD
  );
}

function intersectionSize(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared;
}

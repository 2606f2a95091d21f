import type { NewsStory } from './story.js';

/**
 * The news ranking. Each story scores 0–100:
 *
 *   score = 50 · relevance + 30 · recency + 20 · coverage
 *
 * - relevance ∈ [0, 1] = 0.8 · share + 0.2 · phrase, where share is the fraction of the query's
 *   tokens found in the title, and phrase is 1 when the query's tokens appear in the title
 *   consecutively and in order (for a one-token query, phrase = share). A query of stopwords only
 *   has no tokens and gives every story relevance 1.
 * - recency ∈ (0, 1] = 2^(−age / half-life), age = now − publishedAt (0 for future dates),
 *   half-life 6 h by default: a story loses half its recency every 6 hours.
 * - coverage ∈ [0, 1] = (min(sources, 4) − 1) / 3: one source 0, four or five sources 1.
 *
 * Scores are rounded to one decimal, and rows are ordered by rounded score (descending), then
 * publishedAt (newest first), then url (ascending), so equal inputs always give the same order.
 */
export interface RankOptions {
  /** Query tokens from `tokenize`, in the order typed. */
  queryTokens: readonly string[];
  /** Epoch ms of "now". */
  nowMs: number;
  /** Recency half-life in ms. @default 6 hours */
  halfLifeMs?: number;
}

export const DEFAULT_HALF_LIFE_MS = 6 * 3600_000;
export const SCORE_WEIGHTS = { relevance: 50, recency: 30, coverage: 20 } as const;
const SHARE_WEIGHT = 0.8;
const PHRASE_WEIGHT = 0.2;
const FULL_COVERAGE_SOURCES = 4;

export interface RankedStory extends NewsStory {
  score: number;
}

/** Relevance of a title to the query, 0–1 (see the module comment). */
export function relevance(queryTokens: readonly string[], titleTokens: readonly string[]): number {
  const wanted = [...new Set(queryTokens)];
  if (wanted.length === 0) return 1;
  const title = new Set(titleTokens);
  const share = wanted.filter((token) => title.has(token)).length / wanted.length;
  const phrase = wanted.length === 1 ? share : containsSequence(titleTokens, queryTokens) ? 1 : 0;
  return SHARE_WEIGHT * share + PHRASE_WEIGHT * phrase;
}

/** Recency 0–1: halves every `halfLifeMs`. */
export function recency(ageMs: number, halfLifeMs: number): number {
  return 2 ** (-Math.max(0, ageMs) / halfLifeMs);
}

/** Coverage 0–1 from the number of sources carrying a story. */
export function coverage(sourceCount: number): number {
  return (Math.min(Math.max(sourceCount, 1), FULL_COVERAGE_SOURCES) - 1) / (FULL_COVERAGE_SOURCES - 1);
}

/** Scores and orders stories (deterministic; see the module comment). */
export function rankStories(stories: readonly NewsStory[], options: RankOptions): RankedStory[] {
  const halfLifeMs = options.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  return stories
    .map((story) => {
      const raw =
        SCORE_WEIGHTS.relevance * relevance(options.queryTokens, story.titleTokens) +
        SCORE_WEIGHTS.recency * recency(options.nowMs - story.publishedMs, halfLifeMs) +
        SCORE_WEIGHTS.coverage * coverage(story.sources.length);
      return { ...story, score: Math.round(raw * 10) / 10 };
    })
    .sort((a, b) => b.score - a.score || b.publishedMs - a.publishedMs || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let k = 0; k < needle.length; k++) if (haystack[start + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

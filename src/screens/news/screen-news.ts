import type { NewsItem } from '../../sources/news/news-item.js';
import type { SourceName } from '../../sources/source-names.js';
import { mergeStories } from './dedupe.js';
import type { NewsRow } from './news-row.js';
import { rankStories } from './rank.js';
import { publishedMsOf, toCandidate, type NewsCandidate } from './story.js';
import { tokenize } from './tokens.js';

/**
 * Items screened per source, at most: the newest within the window. Real answers hold 50–250
 * (NewsAPI 50, HN 50, GDELT 75, Google News about 100, a week of Finnhub company news a few
 * hundred); a source answering more (10k, 100k) has the rest dropped, counted in `overCap`.
 */
export const MAX_ITEMS_PER_SOURCE = 1000;

export interface ScreenNewsInput {
  query: string;
  /** Items per source that answered (fresh, cached or stale). */
  batches: ReadonlyArray<{ source: SourceName; items: readonly NewsItem[] }>;
  nowMs: number;
  /** `--since` window in ms: items published before now − sinceMs are dropped. */
  sinceMs: number;
  /** Recency half-life in ms. @default 6 hours (rank.ts) */
  halfLifeMs?: number;
}

export interface ScreenNewsOutput {
  /** Ranked rows, not yet cut to a limit. */
  rows: NewsRow[];
  /** Items received, before any filtering. */
  received: number;
  /** Items without a readable date. */
  undated: number;
  /** Items published before the window. */
  tooOld: number;
  /** Items folded into another source's copy of the same story. */
  merged: number;
  /** Items in the window dropped because their source sent more than `MAX_ITEMS_PER_SOURCE`. */
  overCap: number;
}

/**
 * The news screen, pure: normalise every source's items, drop undated items and those older than
 * the `--since` window, keep each source's newest `MAX_ITEMS_PER_SOURCE`, merge duplicates across
 * sources (dedupe.ts), then score and order (rank.ts). Future-dated items are kept (clock skew),
 * with zero age.
 */
export function screenNews(input: ScreenNewsInput): ScreenNewsOutput {
  const oldestMs = input.nowMs - input.sinceMs;
  let received = 0;
  let undated = 0;
  let tooOld = 0;
  let overCap = 0;
  const candidates: NewsCandidate[] = [];
  for (const batch of input.batches) {
    const inWindow: Array<{ item: NewsItem; publishedMs: number }> = [];
    for (const item of batch.items) {
      received++;
      const publishedMs = publishedMsOf(item);
      if (publishedMs === null) undated++;
      else if (publishedMs < oldestMs) tooOld++;
      else inWindow.push({ item, publishedMs });
    }
    const kept = inWindow.length > MAX_ITEMS_PER_SOURCE ? newestFirst(inWindow).slice(0, MAX_ITEMS_PER_SOURCE) : inWindow;
    overCap += inWindow.length - kept.length;
    for (const { item, publishedMs } of kept) candidates.push(toCandidate(batch.source, item, publishedMs)!);
  }
  const stories = mergeStories(candidates);
  const ranked = rankStories(stories, {
    queryTokens: tokenize(input.query),
    nowMs: input.nowMs,
    ...(input.halfLifeMs === undefined ? {} : { halfLifeMs: input.halfLifeMs }),
  });
  const rows = ranked.map<NewsRow>((story) => ({
    title: story.title,
    url: story.url,
    source: story.publisher ?? story.sources[0] ?? 'unknown',
    publishedAt: new Date(story.publishedMs).toISOString(),
    sources: story.sources,
    score: story.score,
  }));
  return { rows, received, undated, tooOld, merged: candidates.length - stories.length, overCap };
}

/** Newest first; equal times by URL, so the cut is the same whatever order the source used. */
function newestFirst<T extends { item: NewsItem; publishedMs: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.publishedMs - a.publishedMs || (a.item.url < b.item.url ? -1 : a.item.url > b.item.url ? 1 : 0));
}

import type { NewsItem } from '../../sources/news/news-item.js';
import type { SourceName } from '../../sources/source-names.js';
import { mergeStories } from './dedupe.js';
import type { NewsRow } from './news-row.js';
import { rankStories } from './rank.js';
import { toCandidate, type NewsCandidate } from './story.js';
import { tokenize } from './tokens.js';

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
}

/**
 * The news screen, pure: normalise every source's items, drop undated items and those older than
 * the `--since` window, merge duplicates across sources (dedupe.ts), then score and order
 * (rank.ts). Future-dated items are kept (clock skew), with zero age.
 */
export function screenNews(input: ScreenNewsInput): ScreenNewsOutput {
  const oldestMs = input.nowMs - input.sinceMs;
  let received = 0;
  let undated = 0;
  let tooOld = 0;
  const candidates: NewsCandidate[] = [];
  for (const batch of input.batches) {
    for (const item of batch.items) {
      received++;
      const candidate = toCandidate(batch.source, item);
      if (!candidate) undated++;
      else if (candidate.publishedMs < oldestMs) tooOld++;
      else candidates.push(candidate);
    }
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
  return { rows, received, undated, tooOld, merged: candidates.length - stories.length };
}

import type { NewsItem } from '../../sources/news/news-item.js';
import { tokenize } from './tokens.js';

/** Share of the query's tokens an item from an unfiltered feed must mention to be kept. */
export const FEED_RELEVANCE_MIN_SHARE = 0.5;

/**
 * Keeps the items of a feed that ignores the query (Finnhub's crypto category) that are about it:
 * at least half of the query's tokens (rounded up, so a one-word query needs that word) appear in
 * the title or summary. A query of stopwords only keeps everything.
 */
export function filterRelevant(items: readonly NewsItem[], query: string): NewsItem[] {
  const wanted = [...new Set(tokenize(query))];
  if (wanted.length === 0) return [...items];
  const needed = Math.ceil(wanted.length * FEED_RELEVANCE_MIN_SHARE);
  return items.filter((item) => {
    const words = new Set(tokenize(`${item.title} ${item.summary ?? ''}`));
    return wanted.filter((token) => words.has(token)).length >= needed;
  });
}

import { NEWS_SOURCES, type SourceName } from '../../sources/source-names.js';
import { isGoogleNewsUrl } from './canonical-url.js';
import type { NewsCandidate, NewsStory } from './story.js';
import { titlesMatch } from './title-similarity.js';
import { tokenize } from './tokens.js';

/**
 * Which copy of a story speaks for it, best first: a real publisher URL (Google News links are
 * redirects), a named outlet, the source order below (outlet-level APIs before aggregators), the
 * earliest, then the URL for determinism.
 */
const REPRESENTATIVE_SOURCE_ORDER: readonly SourceName[] = ['newsapi', 'finnhub', 'gdelt', 'google_news', 'hn'];

/**
 * Merges candidates that are the same story: the same canonical URL, or titles that match
 * (`titlesMatch`). Matching is transitive (union-find), so A~B and B~C make one story. A merged
 * story lists every source that carried it and takes its title, url and outlet from the
 * representative copy (outlet from any copy that names one when the representative does not).
 * Output order is deterministic for a given input set, whatever order the sources answered in.
 */
export function mergeStories(candidates: readonly NewsCandidate[]): NewsStory[] {
  const items = [...candidates].sort(compareRepresentative);
  const parent = items.map((_, index) => index);
  const find = (index: number): number => {
    while (parent[index] !== index) {
      parent[index] = parent[parent[index]!]!;
      index = parent[index]!;
    }
    return index;
  };
  const union = (a: number, b: number): void => {
    const [ra, rb] = [find(a), find(b)];
    // The lower index is the better representative (items are sorted), so it stays the root.
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const byUrl = new Map<string, number>();
  items.forEach((item, index) => {
    const seen = byUrl.get(item.canonicalUrl);
    if (seen === undefined) byUrl.set(item.canonicalUrl, index);
    else union(seen, index);
  });
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (find(i) !== find(j) && titlesMatch(items[i]!.tokens, items[j]!.tokens)) union(i, j);
    }
  }

  const groups = new Map<number, NewsCandidate[]>();
  items.forEach((item, index) => {
    const root = find(index);
    const group = groups.get(root);
    if (group) group.push(item);
    else groups.set(root, [item]);
  });
  return [...groups.values()].map(toStory);
}

function toStory(group: NewsCandidate[]): NewsStory {
  // Groups keep the sorted order, so the first member is the representative.
  const lead = group[0]!;
  const present = new Set(group.map((item) => item.source));
  return {
    title: lead.title,
    url: lead.url,
    publisher: lead.publisher ?? group.find((item) => item.publisher !== null)?.publisher ?? null,
    publishedMs: Math.min(...group.map((item) => item.publishedMs)),
    sources: NEWS_SOURCES.filter((source) => present.has(source)),
    titleTokens: tokenize(lead.title),
  };
}

function compareRepresentative(a: NewsCandidate, b: NewsCandidate): number {
  return (
    Number(isGoogleNewsUrl(a.url)) - Number(isGoogleNewsUrl(b.url)) ||
    Number(a.publisher === null) - Number(b.publisher === null) ||
    REPRESENTATIVE_SOURCE_ORDER.indexOf(a.source) - REPRESENTATIVE_SOURCE_ORDER.indexOf(b.source) ||
    a.publishedMs - b.publishedMs ||
    compareText(a.url, b.url) ||
    compareText(a.title, b.title)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

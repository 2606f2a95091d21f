import { NEWS_SOURCES, type SourceName } from '../../sources/source-names.js';
import type { NewsCandidate, NewsStory } from './story.js';
import { joinMatchingTitles } from './title-index.js';

/**
 * Which copy of a story speaks for it, best first: a real publisher URL (Google News links are
 * redirects), a named outlet, the source order below (outlet-level APIs before aggregators), the
 * earliest, then the URL for determinism.
 */
const REPRESENTATIVE_SOURCE_ORDER: readonly SourceName[] = ['newsapi', 'finnhub', 'gdelt', 'google_news', 'hn'];

/**
 * Merges candidates that are the same story: the same canonical URL, or titles that match
 * (`titlesMatch`, found through a token index in near-linear time: title-index.ts). Matching is
 * transitive (union-find), so A~B and B~C make one story. A merged
 * story lists every source that carried it and takes its title, url and outlet from the
 * representative copy (outlet from any copy that names one when the representative does not).
 * Output order is deterministic for a given input set, whatever order the sources answered in.
 */
export function mergeStories(candidates: readonly NewsCandidate[]): NewsStory[] {
  // Sort keys computed once per item: a comparator that parsed URLs would do it n·log n times.
  const items = candidates
    .map(rankedCopy)
    .sort(compareRepresentative)
    .map((ranked) => ranked.candidate);
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
  joinMatchingTitles(
    items.map((item) => item.tokens),
    { joined: (a, b) => find(a) === find(b), join: union },
  );

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
    publishedMs: group.reduce((earliest, item) => Math.min(earliest, item.publishedMs), Number.POSITIVE_INFINITY),
    sources: NEWS_SOURCES.filter((source) => present.has(source)),
    titleTokens: [...lead.titleTokens],
  };
}

/** A copy with the sort keys that cost something to compute (a URL parse) worked out once. */
interface RankedCopy {
  candidate: NewsCandidate;
  googleNews: number;
  unnamed: number;
  sourceOrder: number;
}

function rankedCopy(candidate: NewsCandidate): RankedCopy {
  return {
    candidate,
    googleNews: Number(candidate.googleNewsLink),
    unnamed: Number(candidate.publisher === null),
    sourceOrder: REPRESENTATIVE_SOURCE_ORDER.indexOf(candidate.source),
  };
}

function compareRepresentative(a: RankedCopy, b: RankedCopy): number {
  return (
    a.googleNews - b.googleNews ||
    a.unnamed - b.unnamed ||
    a.sourceOrder - b.sourceOrder ||
    a.candidate.publishedMs - b.candidate.publishedMs ||
    compareText(a.candidate.url, b.candidate.url) ||
    compareText(a.candidate.title, b.candidate.title)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

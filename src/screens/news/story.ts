import type { NewsItem } from '../../sources/news/news-item.js';
import type { SourceName } from '../../sources/source-names.js';
import { canonicalUrl, cleanUrl, isGoogleNewsCanonical } from './canonical-url.js';
import { tokenize } from './tokens.js';

/** A dated item from one source, with the keys dedupe compares on. */
export interface NewsCandidate {
  source: SourceName;
  title: string;
  url: string;
  publisher: string | null;
  publishedMs: number;
  canonicalUrl: string;
  /** True for a Google News redirect link (which never names the publisher's page). */
  googleNewsLink: boolean;
  /** The title's tokens in order (`tokenize`), kept for phrase matching... */
  titleTokens: readonly string[];
  /** ...and as a set, for comparing titles. */
  tokens: ReadonlySet<string>;
}

/** A story after dedupe: one or more candidates judged the same article. */
export interface NewsStory {
  title: string;
  url: string;
  publisher: string | null;
  /** Earliest time any copy was published. */
  publishedMs: number;
  sources: SourceName[];
  /** Ordered tokens of the chosen title (phrase matching needs the order). */
  titleTokens: string[];
}

/** An item's publication time in epoch ms; null when it has no readable date. */
export function publishedMsOf(item: NewsItem): number | null {
  const publishedMs = item.publishedAt === null ? Number.NaN : Date.parse(item.publishedAt);
  return Number.isFinite(publishedMs) ? publishedMs : null;
}

/** Adds dedupe keys to one source's item; null when it has no readable date. `publishedMs` saves parsing it again. */
export function toCandidate(source: SourceName, item: NewsItem, publishedMs = publishedMsOf(item)): NewsCandidate | null {
  if (publishedMs === null) return null;
  const canonical = canonicalUrl(item.url);
  const titleTokens = tokenize(item.title);
  return {
    source,
    title: item.title,
    url: cleanUrl(item.url),
    publisher: item.publisher,
    publishedMs,
    canonicalUrl: canonical,
    googleNewsLink: isGoogleNewsCanonical(canonical),
    titleTokens,
    tokens: new Set(titleTokens),
  };
}

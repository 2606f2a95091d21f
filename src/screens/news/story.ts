import type { NewsItem } from '../../sources/news/news-item.js';
import type { SourceName } from '../../sources/source-names.js';
import { canonicalUrl, cleanUrl } from './canonical-url.js';
import { tokenize } from './tokens.js';

/** A dated item from one source, with the keys dedupe compares on. */
export interface NewsCandidate {
  source: SourceName;
  title: string;
  url: string;
  publisher: string | null;
  publishedMs: number;
  canonicalUrl: string;
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

/** Adds dedupe keys to one source's item; null when it has no readable date. */
export function toCandidate(source: SourceName, item: NewsItem): NewsCandidate | null {
  const publishedMs = item.publishedAt === null ? Number.NaN : Date.parse(item.publishedAt);
  if (!Number.isFinite(publishedMs)) return null;
  return {
    source,
    title: item.title,
    url: cleanUrl(item.url),
    publisher: item.publisher,
    publishedMs,
    canonicalUrl: canonicalUrl(item.url),
    tokens: new Set(tokenize(item.title)),
  };
}

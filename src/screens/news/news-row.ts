import type { SourceName } from '../../sources/source-names.js';

/** One result row of `screen news` (the documented `--json` fields: `title, url, source, publishedAt, sources, score`). */
export interface NewsRow {
  /** Headline, raw (the output layer sanitises). */
  title: string;
  /** The best link among the merged copies (a publisher URL over a Google News redirect), tracking stripped. */
  url: string;
  /** The outlet (e.g. "Reuters") when any copy named one, else the source name ("hn"). */
  source: string;
  /** ISO 8601: the earliest time any source saw the story. */
  publishedAt: string;
  /** Every source that carried the story, in `NEWS_SOURCES` order. */
  sources: SourceName[];
  /** Rank score 0–100, one decimal (see rank.ts). */
  score: number;
}

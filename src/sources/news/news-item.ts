import type { HttpGetter, RequestOptions } from '../../http/types.js';

/**
 * One article as a news source delivered it, mapped to plain JSON (it is cached as is). Text stays
 * raw: the output layer sanitises at print time, the screen sanitises what it compares on.
 */
export interface NewsItem {
  /** Headline, with any " - Publisher" suffix already removed. */
  title: string;
  url: string;
  /** The outlet (e.g. "Reuters", "coindesk.com") when the source names one. */
  publisher: string | null;
  /** ISO 8601 publication (or first-seen) time; null when the source's date could not be read. */
  publishedAt: string | null;
  /** Short summary when the source gives one (used to judge relevance of unfiltered feeds). */
  summary: string | null;
}

/** What every news adapter receives. */
export interface NewsFetchParams {
  http: HttpGetter;
  /** The source's base URL (`SCREEN_<SOURCE>_URL` or the default), no trailing slash. */
  baseUrl: string;
  /** The user's query, trimmed, exactly as typed otherwise. */
  query: string;
  /** Oldest publication time wanted, epoch ms (now − `--since`). */
  fromMs: number;
  /** The run's "now", epoch ms. */
  nowMs: number;
  /** API key of keyed sources. */
  apiKey?: string | undefined;
  /** Per-request options (timeout, retries, abort signal) passed to the client. */
  request?: RequestOptions;
}

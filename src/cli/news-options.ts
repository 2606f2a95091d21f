import { DEFAULT_NEWS_OPTIONS, type NewsOptions } from '../commands/news.js';
import { parseDuration } from '../screens/news/duration.js';
import { optionString, parsePositiveInt, usageError } from './parse-values.js';

type Raw = Record<string, unknown>;

/** The query is every positional word joined, so both `news bitcoin etf` and `news "bitcoin etf"` work. */
export function toNewsOptions(args: string[], raw: Raw, env: NodeJS.ProcessEnv = process.env): NewsOptions {
  const query = args.join(' ').trim();
  if (!query) throw usageError('news needs a query, e.g. screen news "bitcoin etf"');
  const timeout = optionString(raw.sourceTimeoutMs) ?? env.SCREEN_NEWS_TIMEOUT_MS;
  return {
    query,
    sinceMs: optionString(raw.since) ? parseDuration(optionString(raw.since)!) : DEFAULT_NEWS_OPTIONS.sinceMs,
    newsTimeoutMs: timeout ? parsePositiveInt('--source-timeout-ms', timeout, 600_000) : DEFAULT_NEWS_OPTIONS.newsTimeoutMs,
  };
}

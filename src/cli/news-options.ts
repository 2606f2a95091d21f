import { DEFAULT_NEWS_OPTIONS, type NewsOptions } from '../commands/news.js';
import { parseDuration } from '../screens/news/duration.js';
import { parsePositiveInt } from './parse-values.js';
import { usageError } from './settings.js';

type Raw = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The query is every positional word joined, so both `news bitcoin etf` and `news "bitcoin etf"` work. */
export function toNewsOptions(args: string[], raw: Raw, env: NodeJS.ProcessEnv = process.env): NewsOptions {
  const query = args.join(' ').trim();
  if (!query) throw usageError('news needs a query, e.g. screen news "bitcoin etf"');
  const timeout = str(raw.sourceTimeoutMs) ?? env.SCREEN_NEWS_TIMEOUT_MS;
  return {
    query,
    sinceMs: str(raw.since) ? parseDuration(str(raw.since)!) : DEFAULT_NEWS_OPTIONS.sinceMs,
    newsTimeoutMs: timeout ? parsePositiveInt('--source-timeout-ms', timeout, 600_000) : DEFAULT_NEWS_OPTIONS.newsTimeoutMs,
  };
}

import { DEFAULT_CRYPTO_OPTIONS, MAX_CRYPTO_TOP, type CryptoOptions } from '../commands/crypto.js';
import { DEFAULT_MARKET_OPTIONS, type MarketOptions } from '../commands/market.js';
import { DEFAULT_NEWS_OPTIONS, type NewsOptions } from '../commands/news.js';
import { CRYPTO_SORT_KEYS } from '../screens/crypto/sort.js';
import { MARKET_SORT_KEYS } from '../screens/market/rows.js';
import { parseDuration } from '../screens/news/duration.js';
import { parseAmount, parseChoice, parsePositiveInt } from './parse-values.js';
import { usageError } from './settings.js';

type Raw = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Flags of `screen crypto`, validated; unset flags take the documented defaults. */
export function toCryptoOptions(raw: Raw): CryptoOptions {
  const symbols = str(raw.symbols)
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (symbols && symbols.length === 0) throw usageError('--symbols expects a comma-separated list like BTC,ETH');
  return {
    top: str(raw.top) ? parsePositiveInt('--top', str(raw.top)!, MAX_CRYPTO_TOP) : DEFAULT_CRYPTO_OPTIONS.top,
    sort: str(raw.sort) ? parseChoice('--sort', str(raw.sort)!, CRYPTO_SORT_KEYS) : DEFAULT_CRYPTO_OPTIONS.sort,
    ascending: raw.asc === true,
    minVolumeUsd: str(raw.minVolume) ? parseAmount('--min-volume', str(raw.minVolume)!) : DEFAULT_CRYPTO_OPTIONS.minVolumeUsd,
    minMarketCapUsd: str(raw.minMcap) ? parseAmount('--min-mcap', str(raw.minMcap)!) : undefined,
    maxRank: str(raw.maxRank) ? parsePositiveInt('--max-rank', str(raw.maxRank)!) : undefined,
    symbols,
  };
}

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

export function toMarketOptions(args: string[], raw: Raw): MarketOptions {
  return {
    symbols: args.map((s) => s.trim().toUpperCase()).filter(Boolean),
    symbolsFile: str(raw.symbolsFile),
    sort: str(raw.sort) ? parseChoice('--sort', str(raw.sort)!, MARKET_SORT_KEYS) : DEFAULT_MARKET_OPTIONS.sort,
    ascending: raw.asc === true,
  };
}

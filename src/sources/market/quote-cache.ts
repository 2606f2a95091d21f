import type { CacheLookup, CacheView } from '../../store/cache-types.js';
import type { MarketDriver } from './market-drivers.js';
import type { MarketSourceName, QuoteOutcome } from './quote.js';
import { isQuoteOutcome } from './quote-schema.js';

/** The slice of the run's cache view the scan uses. */
type QuoteCache = Pick<CacheView, 'lookup'>;

/** How quote entries are kept. */
export interface QuoteCachePolicy {
  /** Fresh for this long (market-hours dependent, see `quoteTtlMs`). */
  ttlMs: number;
  /** Stale entries older than this are still served, but marked very stale. */
  maxStaleMs: number;
}

/** `<source>:quote:<SYMBOL>`, one entry per symbol and source (no secrets in it). */
export function quoteCacheKey(source: MarketSourceName, symbol: string): string {
  return `${source}:quote:${symbol}`;
}

/**
 * Reads one cached answer without touching the network: `cached` within its TTL, `stale` past it
 * (or whenever the run forces a refresh), `failed` when nothing usable is cached.
 */
export async function readCachedQuote(
  cache: QuoteCache,
  source: MarketSourceName,
  symbol: string,
  policy: QuoteCachePolicy,
): Promise<CacheLookup<QuoteOutcome>> {
  return cache.lookup<QuoteOutcome>({
    source,
    key: quoteCacheKey(source, symbol),
    ttlMs: policy.ttlMs,
    maxStaleMs: policy.maxStaleMs,
    probe: true,
    // An entry of another shape (another version's) is a miss.
    validate: isQuoteOutcome,
  });
}

/**
 * Looks up `symbols` on one source through the cache (fresh entry → fetch → stale), sharing one
 * request for the batch: the request is made the first time the cache asks for any of them, and
 * every symbol's entry is written as its own cache entry, so an interrupted scan keeps what it got.
 */
export async function fetchQuotesThroughCache(
  cache: QuoteCache,
  driver: MarketDriver,
  symbols: readonly string[],
  policy: QuoteCachePolicy,
): Promise<Array<{ symbol: string; result: CacheLookup<QuoteOutcome> }>> {
  let request: Promise<Map<string, QuoteOutcome>> | undefined;
  const batch = (): Promise<Map<string, QuoteOutcome>> => (request ??= driver.fetchBatch(symbols));
  return Promise.all(
    symbols.map(async (symbol) => {
      const result = await cache.lookup<QuoteOutcome>({
        source: driver.name,
        key: quoteCacheKey(driver.name, symbol),
        ttlMs: policy.ttlMs,
        maxStaleMs: policy.maxStaleMs,
        fetch: async () => {
          const outcome = (await batch()).get(symbol);
          if (!outcome) throw new Error(`${driver.name} gave no answer for ${symbol}`);
          return outcome;
        },
        validate: isQuoteOutcome,
      });
      return { symbol, result };
    }),
  );
}

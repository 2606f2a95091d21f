/**
 * Option records: the single source of truth for flags. `program.ts` registers them with commander
 * and the README's flag tables mirror them.
 */
export interface OptionRecord {
  flags: string;
  description: string;
  /** Environment variable that supplies the value when the flag is absent. */
  env?: string;
}

/** Options every data command (crypto, news, market) takes. */
export const COMMON_OPTIONS: OptionRecord[] = [
  { flags: '--force-refresh', description: 'skip fresh cache and fetch now (stale cache still serves if the fetch fails)' },
  { flags: '--offline', description: 'no network: serve from cache only (any age), marked as such' },
  { flags: '--json', description: 'JSON document on stdout' },
  { flags: '--csv', description: 'CSV on stdout' },
  { flags: '--limit <n>', description: 'rows to print' },
  { flags: '--sources <list>', description: 'only these sources, comma-separated' },
  { flags: '--strict', description: 'exit 3 when results are degraded (a source failed or stale data was served)' },
  { flags: '--demo', description: 'run against bundled recorded API responses served on loopback (no network)' },
  { flags: '--metrics-file <path>', description: "also write the run's metrics in Prometheus text format" },
];

/** Options that shape how the run behaves; accepted by every command. */
export const RUN_OPTIONS: OptionRecord[] = [
  { flags: '--cache-dir <dir>', description: 'cache and state directory', env: 'SCREEN_CACHE_DIR' },
  { flags: '--quiet', description: 'nothing on stderr but errors' },
  { flags: '--log-level <level>', description: 'pino level for the JSON log on stderr (default warn)', env: 'LOG_LEVEL' },
  { flags: '--log-file <path>', description: 'write the JSON log to this file instead of stderr' },
  { flags: '--no-color', description: 'no colour in tables and status lines' },
  { flags: '--timeout-ms <ms>', description: 'per-request timeout in ms (default 30000)', env: 'SCREEN_TIMEOUT_MS' },
  { flags: '--max-retries <n>', description: 'retries after a failed request (default 3)', env: 'SCREEN_MAX_RETRIES' },
  {
    flags: '--pace-ms <ms>',
    description: "every host's starting delay between requests in ms, instead of its API's documented rate (for tests and private mirrors)",
    env: 'SCREEN_PACE_MS',
  },
  {
    flags: '--retry-base-ms <ms>',
    description: 'first retry backoff in ms, doubling each retry (default 2000)',
    env: 'SCREEN_RETRY_BASE_MS',
  },
];

export const CRYPTO_OPTIONS: OptionRecord[] = [
  { flags: '--top <n>', description: 'universe: top N coins by market cap (default 250; pages of 250)' },
  { flags: '--sort <key>', description: 'score|change24h|change7d|volume|mcap|turnover (default score)' },
  { flags: '--asc', description: 'ascending order' },
  { flags: '--min-volume <usd>', description: 'minimum 24h volume in USD (default 1M; accepts 5M, 2.5e6)' },
  { flags: '--min-mcap <usd>', description: 'minimum market cap in USD' },
  { flags: '--max-rank <n>', description: 'only coins with market-cap rank at most N' },
  { flags: '--symbols <list>', description: 'only these symbols, e.g. BTC,ETH' },
];

export const NEWS_OPTIONS: OptionRecord[] = [
  { flags: '--since <duration>', description: 'only stories newer than this: 90m, 24h, 2d, 1w (default 24h)' },
  { flags: '--source-timeout-ms <ms>', description: 'per-source deadline in ms (default 10000)', env: 'SCREEN_NEWS_TIMEOUT_MS' },
];

export const MARKET_OPTIONS: OptionRecord[] = [
  { flags: '--symbols-file <path>', description: 'symbols to scan, one per line or comma-separated (# comments)' },
  { flags: '--sort <key>', description: 'score|change|volume (default score)' },
  { flags: '--asc', description: 'ascending order' },
];

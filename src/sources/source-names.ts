/**
 * Source names and where each API lives. The names are public contract: they are the values of
 * `--sources`, the `name` in JSON output, the labels in status lines and metrics, and (upper-cased)
 * the `<SOURCE>` in `SCREEN_<SOURCE>_URL`.
 */
export const SOURCE_NAMES = [
  'coingecko',
  'binance',
  'coincap',
  'google_news',
  'hn',
  'gdelt',
  'newsapi',
  'finnhub',
  'alphavantage',
  'stooq',
] as const;

export type SourceName = (typeof SOURCE_NAMES)[number];

export const CRYPTO_SOURCES = ['coingecko', 'binance', 'coincap'] as const satisfies readonly SourceName[];
export const NEWS_SOURCES = ['google_news', 'hn', 'gdelt', 'newsapi', 'finnhub'] as const satisfies readonly SourceName[];
export const MARKET_SOURCES = ['finnhub', 'alphavantage', 'stooq'] as const satisfies readonly SourceName[];

/** Default base URLs; the request path of the real API follows the base. */
export const DEFAULT_BASE_URLS: Record<SourceName, string> = {
  coingecko: 'https://api.coingecko.com/api/v3',
  binance: 'https://data-api.binance.vision',
  coincap: 'https://rest.coincap.io/v3',
  google_news: 'https://news.google.com',
  hn: 'https://hn.algolia.com/api/v1',
  gdelt: 'https://api.gdeltproject.org',
  newsapi: 'https://newsapi.org',
  finnhub: 'https://finnhub.io/api/v1',
  alphavantage: 'https://www.alphavantage.co',
  stooq: 'https://stooq.com',
};

/** Binance hosts tried in order when one answers 451 (geo-block) or 403 (WAF). */
export const BINANCE_FALLBACK_BASE_URLS = ['https://data-api.binance.vision', 'https://api.binance.com', 'https://api.binance.us'] as const;

/** The environment variable holding each keyed source's API key. */
export const KEY_ENV_VARS: Partial<Record<SourceName, string>> = {
  coingecko: 'COINGECKO_API_KEY',
  coincap: 'COINCAP_API_KEY',
  newsapi: 'NEWSAPI_KEY',
  finnhub: 'FINNHUB_API_KEY',
  alphavantage: 'ALPHAVANTAGE_API_KEY',
  stooq: 'STOOQ_API_KEY',
};

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every base URL a source may use, in the order to try them. `SCREEN_<SOURCE>_URL` replaces the
 * default; it may be a comma-separated list (Binance tries each in turn on a geo-block). Without
 * an override, Binance has its three public hosts and every other source one base.
 */
export function baseUrlsFor(source: SourceName, env: Env): string[] {
  const override = env[`SCREEN_${source.toUpperCase()}_URL`]?.trim();
  const bases = (override ?? '')
    .split(',')
    .map((base) => base.trim().replace(/\/+$/, ''))
    .filter((base) => base !== '');
  if (bases.length > 0) return bases;
  return source === 'binance' ? [...BINANCE_FALLBACK_BASE_URLS] : [DEFAULT_BASE_URLS[source]];
}

/** `host:port` of a base URL, or undefined when it does not parse. */
export function hostOf(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl).host;
  } catch {
    return undefined;
  }
}

/** Every host a source may call, keyed the way breakers and limiters are: `URL.host`. */
export function hostsFor(source: SourceName, env: Env): string[] {
  const hosts = baseUrlsFor(source, env)
    .map(hostOf)
    .filter((host): host is string => host !== undefined);
  return [...new Set(hosts)];
}

/** Every API key set in `env`: the values to scrub from anything logged or stored. */
export function apiKeysIn(env: Env): string[] {
  return [...Object.values(KEY_ENV_VARS), ...HISTORY_KEY_ENV_VARS].flatMap((name) =>
    name && env[name]?.trim() ? [env[name]!.trim()] : [],
  );
}

/** Keys of the history sources that are no `SourceName` (Massive's grouped daily, README "History"). */
const HISTORY_KEY_ENV_VARS = ['MASSIVE_API_KEY'] as const;

/** The source's API key, or undefined when the variable is unset or blank. */
export function apiKeyFor(source: SourceName, env: Env): string | undefined {
  const name = KEY_ENV_VARS[source];
  const value = name ? env[name]?.trim() : undefined;
  return value ? value : undefined;
}

export function isSourceName(value: string): value is SourceName {
  return (SOURCE_NAMES as readonly string[]).includes(value);
}

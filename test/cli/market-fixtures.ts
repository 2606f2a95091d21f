import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTimeTokens } from '../../src/demo/time-tokens.js';
import type { FakeApi, LoggedRequest } from '../helpers/fake-api/index.js';
import { cleanEnv, FAST_ENV } from '../helpers/run-cli.js';

/**
 * Fixtures for the `screen market` CLI tests (issue 6): the three quote APIs on fake servers,
 * answering in their real shapes. Symbols with a demo recording (the Dow 30) get the recorded
 * body; any other ticker gets a made-up quote in the same shape, so a scan can be of any size;
 * symbols listed as unknown get each API's own "no such symbol" answer.
 */

export type MarketSource = 'finnhub' | 'alphavantage' | 'stooq';
export const MARKET_SOURCE_NAMES: readonly MarketSource[] = ['finnhub', 'alphavantage', 'stooq'];

/** Test keys; each is distinctive so a leak into output, logs or cache files is easy to find. */
export const MARKET_KEYS: Record<MarketSource, string> = {
  finnhub: 'fh-test-key-5b7e20c1',
  alphavantage: 'av-test-key-93d4aa07',
  stooq: 'sq-test-key-1f6c8e42',
};

const KEY_VARS: Record<MarketSource, string> = {
  finnhub: 'FINNHUB_API_KEY',
  alphavantage: 'ALPHAVANTAGE_API_KEY',
  stooq: 'STOOQ_API_KEY',
};

/** Request paths as the fake server sees them (prefix from `marketEnv` + the real API's path). */
export const MARKET_PATHS: Record<MarketSource, string> = {
  finnhub: '/fh/quote',
  alphavantage: '/av/query',
  stooq: '/stooq/q/l/',
};

/** Which fake server plays which API (one server for all, or one per source to give each its own host). */
export type MarketServers = FakeApi | Record<MarketSource, FakeApi>;

function serverFor(servers: MarketServers, source: MarketSource): FakeApi {
  return 'url' in servers ? (servers as FakeApi) : (servers as Record<MarketSource, FakeApi>)[source];
}

/**
 * Environment for a CLI run: fast settings, a temp cache, every market API on the fake and
 * every key set. `keys: false` leaves all keys out; `extra` wins over everything.
 */
export function marketEnv(
  servers: MarketServers,
  cacheDir: string,
  extra: Record<string, string | undefined> = {},
  options: { keys?: boolean } = {},
): NodeJS.ProcessEnv {
  const keys = options.keys === false ? {} : Object.fromEntries(MARKET_SOURCE_NAMES.map((s) => [KEY_VARS[s], MARKET_KEYS[s]]));
  return cleanEnv({
    ...FAST_ENV,
    SCREEN_CACHE_DIR: cacheDir,
    SCREEN_FINNHUB_URL: `${serverFor(servers, 'finnhub').url}/fh`,
    SCREEN_ALPHAVANTAGE_URL: `${serverFor(servers, 'alphavantage').url}/av`,
    SCREEN_STOOQ_URL: `${serverFor(servers, 'stooq').url}/stooq`,
    ...keys,
    ...extra,
  });
}

const RECORDINGS = new URL('../../src/demo/recordings/market/', import.meta.url);

function recording(file: string): string | undefined {
  const url = new URL(file, RECORDINGS);
  return existsSync(url) ? renderTimeTokens(readFileSync(url, 'utf8'), Date.now()) : undefined;
}

/** The 30 symbols with recordings for every source (the bundled Dow 30). */
export const RECORDED_SYMBOLS: readonly string[] = recording('stooq-quotes.csv')!
  .split('\n')
  .slice(1)
  .filter((line) => line.trim() !== '')
  .map((line) => line.split(',')[0]!.replace(/\.US$/, ''));

/** `count` made-up tickers (`T000`, `T001`, ...) that none of the recordings cover. */
export function syntheticSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `T${String(i).padStart(3, '0')}`);
}

/** A deterministic made-up quote for a ticker without a recording. */
function syntheticQuote(symbol: string): { open: number; previousClose: number; price: number; volume: number } {
  let hash = 0;
  for (const char of symbol) hash = (hash * 31 + char.charCodeAt(0)) % 10_007;
  const previousClose = 20 + (hash % 480);
  const price = Math.round(previousClose * (1 + ((hash % 13) - 6) / 100) * 100) / 100;
  return { open: previousClose, previousClose, price, volume: 100_000 + hash * 97 };
}

/** Finnhub's answer for a symbol it has no data for: zeros and nulls with HTTP 200 (api-notes §6). */
export const FINNHUB_UNKNOWN = { c: 0, d: null, dp: null, h: 0, l: 0, o: 0, pc: 0, t: 0 };
/** Alpha Vantage's GLOBAL_QUOTE answer for a bad symbol: an empty object, HTTP 200 (api-notes §10). */
export const ALPHAVANTAGE_UNKNOWN = { 'Global Quote': {} };

/** Alpha Vantage's soft limit as it answers today: HTTP 200, an `Information` text naming the key. */
export const ALPHAVANTAGE_INFORMATION = {
  Information: `We have detected your API key as ${MARKET_KEYS.alphavantage} and our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.`,
};
/** The older soft limit: HTTP 200 with a `Note`. */
export const ALPHAVANTAGE_NOTE = {
  Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.',
};

/** Stooq's block page: an HTML interstitial with HTTP 200 instead of the CSV (api-notes §9). */
export const STOOQ_BLOCK_PAGE =
  '<!DOCTYPE html><html><head><title>Stooq</title></head><body><p>Checking your browser before accessing stooq.com.</p>' +
  '<script>/* proof of work */</script></body></html>';

/** Finnhub `/quote` body for a symbol (recording, else made up). */
export function finnhubQuoteBody(symbol: string): unknown {
  const recorded = recording(`finnhub-quote-${symbol}.json`);
  if (recorded) return JSON.parse(recorded);
  const q = syntheticQuote(symbol);
  const change = Math.round((q.price - q.previousClose) * 100) / 100;
  const t = Math.floor(Date.now() / 1000) - 900;
  return {
    c: q.price,
    d: change,
    dp: Math.round((change / q.previousClose) * 1e6) / 1e4,
    h: q.price,
    l: q.open,
    o: q.open,
    pc: q.previousClose,
    t,
  };
}

/** Alpha Vantage GLOBAL_QUOTE body for a symbol (recording, else made up: every value a string). */
export function alphaVantageQuoteBody(symbol: string): unknown {
  const recorded = recording(`alphavantage-global-quote-${symbol}.json`);
  if (recorded) return JSON.parse(recorded);
  const q = syntheticQuote(symbol);
  const change = q.price - q.previousClose;
  return {
    'Global Quote': {
      '01. symbol': symbol,
      '02. open': q.open.toFixed(4),
      '03. high': q.price.toFixed(4),
      '04. low': q.open.toFixed(4),
      '05. price': q.price.toFixed(4),
      '06. volume': String(q.volume),
      '07. latest trading day': new Date().toISOString().slice(0, 10),
      '08. previous close': q.previousClose.toFixed(4),
      '09. change': change.toFixed(4),
      '10. change percent': `${((change / q.previousClose) * 100).toFixed(4)}%`,
    },
  };
}

const STOOQ_HEADER = 'Symbol,Date,Time,Open,High,Low,Close,Volume,Name';

function stooqRecordedRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of recording('stooq-quotes.csv')!.split('\n').slice(1)) {
    if (line.trim() !== '') rows.set(line.split(',')[0]!.toLowerCase(), line);
  }
  return rows;
}

/**
 * Stooq's CSV for the `s=` list of a request: recorded rows, made-up rows, and `N/D` rows for
 * `unknown` tickers (Stooq's way of saying it has no such symbol).
 */
export function stooqCsvBody(stooqSymbols: readonly string[], unknown: ReadonlySet<string>): string {
  const recorded = stooqRecordedRows();
  const lines = [STOOQ_HEADER];
  for (const s of stooqSymbols) {
    const upper = s.toUpperCase();
    const symbol = upper.replace(/\.US$/, '');
    if (unknown.has(symbol)) lines.push(`${upper},N/D,N/D,N/D,N/D,N/D,N/D,N/D,${upper}`);
    else if (recorded.has(s.toLowerCase())) lines.push(recorded.get(s.toLowerCase())!);
    else {
      const q = syntheticQuote(symbol);
      lines.push(
        `${upper},${new Date().toISOString().slice(0, 10)},22:00:09,${q.open},${q.price},${q.open},${q.price},${q.volume},${symbol} INC`,
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface MarketRouteOptions {
  /** Tickers the APIs do not know (each answers in its own "unknown" shape). */
  unknown?: readonly string[];
  /** Delay every reply on the market routes by this many ms. */
  latencyMs?: number;
}

/** Routes the three quote APIs on their servers, answering per symbol as described above. */
export function routeMarket(servers: MarketServers, options: MarketRouteOptions = {}): void {
  const unknown = new Set(options.unknown ?? []);
  const routeOptions = options.latencyMs ? { latencyMs: options.latencyMs } : {};
  serverFor(servers, 'finnhub').route(
    'GET',
    MARKET_PATHS.finnhub,
    (_req, url) => {
      const symbol = url.searchParams.get('symbol') ?? '';
      return unknown.has(symbol) ? FINNHUB_UNKNOWN : finnhubQuoteBody(symbol);
    },
    routeOptions,
  );
  serverFor(servers, 'alphavantage').route(
    'GET',
    MARKET_PATHS.alphavantage,
    (_req, url) => {
      const symbol = url.searchParams.get('symbol') ?? '';
      if (url.searchParams.get('function') !== 'GLOBAL_QUOTE') return { 'Error Message': 'Invalid API call.' };
      return unknown.has(symbol) ? ALPHAVANTAGE_UNKNOWN : alphaVantageQuoteBody(symbol);
    },
    routeOptions,
  );
  serverFor(servers, 'stooq').route(
    'GET',
    MARKET_PATHS.stooq,
    (_req, url, ctx) => {
      const symbols = (url.searchParams.get('s') ?? '').split(',').filter((s) => s !== '');
      ctx.text(stooqCsvBody(symbols, unknown), { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    },
    routeOptions,
  );
}

/** The ticker each logged request asked for (Stooq's batch gives several), in arrival order. */
export function requestedSymbols(requests: readonly LoggedRequest[], source: MarketSource): string[] {
  return requests
    .filter((r) => r.path === MARKET_PATHS[source])
    .flatMap((r) =>
      source === 'stooq'
        ? (r.query.get('s') ?? '').split(',').map((s) => s.toUpperCase().replace(/\.US$/, ''))
        : [r.query.get('symbol') ?? ''],
    );
}

/** One row of `screen market --json`. */
export interface MarketRowJson {
  symbol: string;
  name: string | null;
  price: number;
  changePct: number | null;
  /** What `changePct` is against: the previous close, or today's open (Stooq). */
  changeBasis: 'prevClose' | 'open';
  volume: number | null;
  score: number | null;
  sources: MarketSource[];
}

/** Writes a `--symbols-file` (one per line, with a comment, as users write them) and resolves its path. */
export async function writeSymbolsFile(dir: string, symbols: readonly string[], name = 'symbols.txt'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `# test universe\n${symbols.join('\n')}\n`);
  return path;
}

/** The state file of a cache dir, parsed (it must be valid JSON). */
export async function readStateFile(
  cacheDir: string,
): Promise<{ schema: number; budgets: Record<string, { day: string; used: number }> } & Record<string, unknown>> {
  return JSON.parse(await readFile(join(cacheDir, 'state.json'), 'utf8'));
}

/** The UTC day `offsetDays` from today, `YYYY-MM-DD` (the budget ledger's day). */
export function utcDayOffset(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

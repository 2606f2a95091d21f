import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTimeTokens } from '../../src/demo/time-tokens.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { cleanEnv, FAST_ENV } from '../helpers/run-cli.js';

/**
 * Fixtures for the `screen crypto` CLI tests: the three crypto APIs on one fake server under
 * their own prefixes, answering with the demo recordings (real shapes) trimmed to the top coins.
 */

export const CRYPTO_SOURCE_NAMES = ['coingecko', 'binance', 'coincap'] as const;
export type CryptoSourceName = (typeof CRYPTO_SOURCE_NAMES)[number];

/** Paths as the fake server sees them (prefix from `cryptoEnv` + the real API's path). */
export const CRYPTO_PATHS = {
  coingecko: '/cg/api/v3/coins/markets',
  binanceTicker: '/bn/api/v3/ticker/24hr',
  binanceExchangeInfo: '/bn/api/v3/exchangeInfo',
  coincap: '/cc/v3/assets',
} as const;
export const ALL_CRYPTO_PATHS: readonly string[] = Object.values(CRYPTO_PATHS);

export const TEST_COINCAP_KEY = 'test-key';

/** Coins kept from the recordings: enough for gates and ranking to matter, small enough to be quick. */
export const FIXTURE_COINS = 40;

/**
 * Environment for a CLI run: fast settings, a temp cache, every crypto source on `api`.
 * `binanceBases` replaces the Binance chain (a comma list of bases) when given.
 */
export function cryptoEnv(
  api: FakeApi,
  cacheDir: string,
  extra: Record<string, string> = {},
  binanceBases?: readonly string[],
): NodeJS.ProcessEnv {
  return cleanEnv({
    ...FAST_ENV,
    SCREEN_CACHE_DIR: cacheDir,
    SCREEN_COINGECKO_URL: `${api.url}/cg/api/v3`,
    SCREEN_BINANCE_URL: (binanceBases ?? [`${api.url}/bn`]).join(','),
    SCREEN_COINCAP_URL: `${api.url}/cc/v3`,
    COINCAP_API_KEY: TEST_COINCAP_KEY,
    ...extra,
  });
}

const RECORDINGS = new URL('../../src/demo/recordings/crypto/', import.meta.url);

function loadRecording(file: string): unknown {
  return JSON.parse(renderTimeTokens(readFileSync(new URL(file, RECORDINGS), 'utf8'), Date.now()));
}

interface GeckoCoin {
  id: string;
  symbol: string;
}
interface BinanceSymbolInfo {
  symbol: string;
  baseAsset: string;
}
interface BinanceExchangeInfo {
  symbols: BinanceSymbolInfo[];
  [key: string]: unknown;
}
interface CoinCapAssets {
  data: Array<{ id: string }>;
  [key: string]: unknown;
}

/** The recorded bodies, trimmed to the top `FIXTURE_COINS` CoinGecko coins (and their Binance pairs). */
export interface CryptoBodies {
  coingecko: GeckoCoin[];
  binanceTicker: Array<{ symbol: string }>;
  binanceExchangeInfo: BinanceExchangeInfo;
  coincap: CoinCapAssets;
}

function buildBodies(): CryptoBodies {
  const coingecko = (loadRecording('coingecko-markets-page1.json') as GeckoCoin[]).slice(0, FIXTURE_COINS);
  const bases = new Set(coingecko.map((coin) => coin.symbol.toUpperCase()));
  const info = loadRecording('binance-exchange-info.json') as BinanceExchangeInfo;
  const symbols = info.symbols.filter((s) => bases.has(s.baseAsset));
  const pairs = new Set(symbols.map((s) => s.symbol));
  const binanceTicker = (loadRecording('binance-ticker-24hr.json') as Array<{ symbol: string }>).filter((t) => pairs.has(t.symbol));
  const coincapAll = loadRecording('coincap-assets.json') as CoinCapAssets;
  const ids = new Set(coingecko.map((coin) => coin.id));
  const coincap = { ...coincapAll, data: coincapAll.data.filter((asset) => ids.has(asset.id)) };
  return { coingecko, binanceTicker, binanceExchangeInfo: { ...info, symbols }, coincap };
}

/** Built once per test file (times rendered at load; the adapters do not judge their age). */
export const BODIES: CryptoBodies = buildBodies();

/** Routes every crypto path on `api` to the trimmed recordings. */
export function routeCrypto(api: FakeApi): void {
  api.route('GET', CRYPTO_PATHS.coingecko, { json: BODIES.coingecko });
  routeBinance(api);
  api.route('GET', CRYPTO_PATHS.coincap, { json: BODIES.coincap });
}

/** Only the two Binance routes (for a second "host"). */
export function routeBinance(api: FakeApi): void {
  api.route('GET', CRYPTO_PATHS.binanceTicker, { json: BODIES.binanceTicker });
  api.route('GET', CRYPTO_PATHS.binanceExchangeInfo, { json: BODIES.binanceExchangeInfo });
}

/** The `--json` document (CONTRACT) as these tests read it. */
export interface CryptoJson {
  command: string;
  generatedAt: string;
  sources: Array<{
    name: string;
    status: 'fresh' | 'cached' | 'stale' | 'failed' | 'skipped';
    fetchedAt: string | null;
    ageSeconds: number | null;
    items: number;
    error: string | null;
  }>;
  results: Array<{
    rank: number | null;
    id: string;
    symbol: string;
    name: string;
    priceUsd: number | null;
    change24hPct: number | null;
    change7dPct: number | null;
    volume24hUsd: number | null;
    marketCapUsd: number | null;
    score: number;
    sources: string[];
    [extra: string]: unknown;
  }>;
  excluded: Array<{ id: string; reason: string }>;
  metrics: unknown;
}

export function parseCryptoJson(stdout: string): CryptoJson {
  try {
    return JSON.parse(stdout) as CryptoJson;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${stdout.slice(0, 2000)}`);
  }
}

/** `{ coingecko: 'fresh', ... }` from the JSON `sources`. */
export function statusBySource(doc: CryptoJson): Record<string, string> {
  return Object.fromEntries(doc.sources.map((s) => [s.name, s.status]));
}

export function sourceReport(doc: CryptoJson, name: CryptoSourceName): CryptoJson['sources'][number] {
  const report = doc.sources.find((s) => s.name === name);
  if (!report) throw new Error(`no "${name}" in sources: ${JSON.stringify(doc.sources)}`);
  return report;
}

/** The stderr status line of one source (`binance  failed  HTTP 500 ...`). */
export function statusLine(stderr: string, name: CryptoSourceName): string | undefined {
  return stderr.split('\n').find((line) => new RegExp(`^${name}\\s+(fresh|cached|stale|failed|skipped)\\b`).test(line));
}

/** Every file under `dir`, recursively, with its contents. */
export async function readTree(dir: string): Promise<Array<{ path: string; content: Buffer }>> {
  const files: Array<{ path: string; content: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ path, content: await readFile(path) });
  }
  return files;
}

export { ageCacheEntries } from '../helpers/cache-files.js';

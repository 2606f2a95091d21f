/**
 * The store's share of a warm cached `screen crypto` run, in a fresh process each time (issue 15):
 * open the cache (which sweeps leftovers), load the state, serve the three crypto entries from disk
 * with their value checks, and read the state as the run context does. Then the floor for the
 * same bytes: read each file and JSON.parse it.
 *
 *   store-cost-child.ts setup <dir> [srcRoot]    write the entries and state.json (with that code)
 *   store-cost-child.ts measure <dir> [srcRoot]  print {storeMs, floorMs, openMs, stateMs, lookupsMs}
 *                                                (NO_CHECKS=1: the lookups without value checks)
 *
 * `srcRoot` (default this checkout's src/) lets the same script time another version's store.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, dir, srcRoot = new URL('../../src/', import.meta.url).pathname] = process.argv.slice(2) as [string, string, string?];
const HOUR_MS = 3_600_000;
/** As `screen crypto` keys them (see src/commands/crypto/run.ts). */
const KEYS = {
  coingecko: 'coingecko:coins/markets?vs_currency=usd&top=250',
  binance: 'binance:api/v3/ticker/24hr?quotes=usd',
  exchangeInfo: 'binance:api/v3/exchangeInfo@data-api.binance.vision',
} as const;
const HOSTS = [
  'api.coingecko.com',
  'data-api.binance.vision',
  'api.binance.com',
  'api.binance.us',
  'rest.coincap.io',
  'news.google.com',
  'hn.algolia.com',
  'api.gdeltproject.org',
  'newsapi.org',
  'finnhub.io',
  'www.alphavantage.co',
  'stooq.com',
];

async function load<T>(path: string): Promise<T> {
  // Versions before the file store moved under store/file/ keep it at the top of store/.
  const at = existsSync(join(srcRoot, path)) ? path : path.replace('store/file/', 'store/');
  return (await import(pathToFileURL(join(srcRoot, at)).href)) as T;
}

type Cache = {
  set(input: { source: string; key: string; value: unknown; ttlMs: number }): Promise<unknown>;
  lookup(options: Record<string, unknown>): Promise<{ status: string; value?: unknown }>;
};
type Store = {
  state: { hosts: Record<string, unknown> };
  host(host: string): unknown;
  setHost(host: string, snapshot: object): void;
  recordSourceSuccess(source: string, at: number): void;
  recordRateLimit(source: string, at: number): void;
  flush(): Promise<void>;
};

async function setup(): Promise<void> {
  const { DiskCache } = await load<{ DiskCache: { open(o: object): Promise<Cache> } }>('store/file/disk-cache.ts');
  const { StateStore } = await load<{ StateStore: { load(dir: string): Promise<Store> } }>('store/file/state-store.ts');
  const { syntheticCoins } = await import('./synthetic-crypto.js');
  const cache = await DiskCache.open({ dir });
  const coins = syntheticCoins(250).map(({ sparkline7d, ...coin }) => ({
    ...coin,
    sparkline7d: sparkline7d.map((p) => Number(p.toPrecision(8))),
  }));
  await cache.set({ source: 'coingecko', key: KEYS.coingecko, value: coins, ttlMs: 1000 * HOUR_MS });
  const assets = coins.slice(0, 200).map((coin) => ({
    base: coin.symbol.toUpperCase(),
    priceUsd: coin.priceUsd,
    change24hPct: coin.change24hPct,
    volume24hUsd: coin.volume24hUsd,
    pricePair: `${coin.symbol.toUpperCase()}USDT`,
  }));
  await cache.set({ source: 'binance', key: KEYS.binance, value: assets, ttlMs: 1000 * HOUR_MS });
  const symbols = Array.from({ length: 1500 }, (_, i) => ({ symbol: `S${i}USDT`, base: `S${i}`, quote: 'USDT' }));
  await cache.set({ source: 'binance', key: KEYS.exchangeInfo, value: symbols, ttlMs: 1000 * HOUR_MS });
  const state = await StateStore.load(dir);
  const now = Date.now();
  for (const host of HOSTS) {
    state.setHost(host, {
      breaker: { state: 'CLOSED', openedAt: null, failures: 0 },
      limiter: { delayMs: 1000, successes: 3, blockedUntil: 0, nextSlotAt: now, updatedAt: now },
    });
  }
  for (const source of ['coingecko', 'binance', 'coincap', 'hn', 'gdelt']) {
    state.recordSourceSuccess(source, now);
    for (let i = 0; i < 20; i++) state.recordRateLimit(source, now - i * 60_000);
  }
  await state.flush();
}

async function measure(): Promise<void> {
  const [{ DiskCache }, { StateStore }, schemas] = await Promise.all([
    load<{ DiskCache: { open(o: object): Promise<Cache> } }>('store/file/disk-cache.ts'),
    load<{ StateStore: { load(dir: string): Promise<Store> } }>('store/file/state-store.ts'),
    load<Record<string, unknown>>('sources/crypto/record-schemas.ts').catch(() => ({}) as Record<string, unknown>),
  ]);
  const started = performance.now();
  const cache = await DiskCache.open({ dir });
  const openedAt = performance.now();
  const state = await StateStore.load(dir);
  const loadedAt = performance.now();
  const checks = process.env.NO_CHECKS ? [] : [schemas.isCoinMarketList, schemas.isBinanceAssetList, schemas.isBinanceUsdSymbolList];
  const served = await Promise.all(
    Object.values(KEYS).map((key, i) =>
      cache.lookup({
        source: key.slice(0, key.indexOf(':')),
        key,
        ttlMs: 1000 * HOUR_MS,
        validate: checks[i],
        fetch: () => Promise.reject(new Error('no fetch in a warm run')),
      }),
    ),
  );
  // The run context's reads: every saved host's limiter, each host's breaker, then the history at the end.
  for (const saved of Object.values(state.state.hosts)) void saved;
  for (const host of HOSTS) state.host(host);
  void state.state.hosts;
  const servedAt = performance.now();
  const storeMs = performance.now() - started;
  const parts = { openMs: openedAt - started, stateMs: loadedAt - openedAt, lookupsMs: servedAt - loadedAt };
  if (served.some((lookup) => lookup.status !== 'cached'))
    throw new Error(`not a warm run: ${served.map((lookup) => lookup.status).join(', ')}`);

  const floorStarted = performance.now();
  const files = [join(dir, 'state.json'), ...(await readdir(join(dir, 'http'))).map((name) => join(dir, 'http', name))];
  for (const file of files) JSON.parse(await readFile(file, 'utf8'));
  const floorMs = performance.now() - floorStarted;
  process.stdout.write(`${JSON.stringify({ storeMs, floorMs, ...parts })}\n`);
}

await (mode === 'setup' ? setup() : measure());

/**
 * `screen history fill|status|clear` (README "History (candles)"):
 * - `fill` brings the top N coins' series up to date now: every due series, paced by the hosts'
 *   limits and Binance's weight budget (waiting for them, unlike a normal run), each series
 *   written as soon as it is fetched, so Ctrl-C loses nothing and a rerun fetches only what is
 *   still missing;
 * - `status` lists coverage per source and interval;
 * - `clear [SOURCE]` removes stored history (never the response cache).
 */
import type { CandleInterval } from '../../candle.js';
import { demoSources } from '../../demo/demo-sources.js';
import { fetchCoinGeckoMarkets } from '../../sources/coingecko.js';
import { isCoinMarketList } from '../../sources/crypto/record-schemas.js';
import { apiKeyFor, type SourceName } from '../../sources/source-names.js';
import type { HistorySource } from '../../store/history/series-key.js';
import { createRunContext, type RunContext } from '../../runtime/run-context.js';
import type { CommandContext } from '../command-spec.js';
import { CRYPTO_TTL_MS, loadBinanceSymbols } from '../crypto/run.js';
import { runSource } from '../data/run-source.js';
import { type CoverageRow, coverageOf } from './coverage.js';
import { historyTargets } from './history-targets.js';
import { type MarketHistoryResult, syncMarketHistory } from './market-history.js';
import { DEFAULT_UNIVERSE } from '../../screens/market/universes.js';
import { type SyncResult, syncHistory } from './sync-history.js';

export const HISTORY_ACTIONS = ['fill', 'status', 'clear'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];
export const FILL_INTERVALS = ['1d', '1h', 'all'] as const;

export interface HistoryOptions {
  action: HistoryAction;
  /** `clear`: only this source's series. */
  source: HistorySource | undefined;
  /** `fill`: the top N coins. @default 250 */
  limit: number;
  /** `fill`: @default '1d' */
  interval: (typeof FILL_INTERVALS)[number];
  json: boolean;
}

export type HistoryResult =
  | { action: 'fill'; where: string; coins: number; universe: string | null; sync: Omit<SyncResult, 'series'>; market: MarketHistoryResult }
  | { action: 'status'; where: string; coverage: CoverageRow[]; marketAbsent: string | undefined }
  | { action: 'clear'; where: string; removed: number };

/** The CoinGecko page size: a fill of up to 250 coins shares the crypto run's cached list. */
const UNIVERSE_PAGE = 250;

export async function runHistory(context: CommandContext, options: HistoryOptions): Promise<HistoryResult> {
  let env = context.env;
  let baseUrls: ((source: SourceName) => Promise<readonly string[]>) | undefined;
  if (context.settings.demo && options.action === 'fill') {
    const demo = demoSources();
    context.afterOutput(() => demo.close());
    env = { ...env, ...demo.keys };
    baseUrls = (source) => demo.baseUrls(source);
  }
  const session = await createRunContext({
    bin: context.bin,
    // A fill is paced through hundreds of requests on purpose: no run deadline cuts its queue short.
    settings: options.action === 'fill' ? { ...context.settings, deadlineMs: Number.POSITIVE_INFINITY } : context.settings,
    env,
    stderr: context.stderr,
    interactive: context.stderr.isTTY === true,
    clock: context.clock,
    ...(context.interrupts ? { interrupts: context.interrupts } : {}),
    ...(baseUrls ? { baseUrls } : {}),
  });
  const stopInterrupts = session.onInterrupt();
  context.afterOutput(async () => {
    stopInterrupts();
    await session.close();
  });
  const ports = session.runtime.history;
  if (!ports) throw new Error('history store unavailable');
  const where = ports.candles.label;
  if (options.action === 'status') {
    const marketAbsent = env.MASSIVE_API_KEY?.trim() ? undefined : 'MASSIVE_API_KEY is not set';
    return { action: 'status', where, coverage: coverageOf(await ports.candles.list(), context.clock.now()), marketAbsent };
  }
  if (options.action === 'clear') return { action: 'clear', where, removed: await ports.candles.clear(options.source) };
  return fill(session, options, where);
}

async function fill(session: RunContext, options: HistoryOptions, where: string): Promise<HistoryResult> {
  const rt = session.runtime;
  const top = Math.max(UNIVERSE_PAGE, options.limit);
  const universe = await runSource(
    rt,
    { sources: undefined, limit: undefined },
    {
      source: 'coingecko',
      key: `coins/markets?vs_currency=usd&top=${top}`,
      ttlMs: CRYPTO_TTL_MS.coingeckoMarkets,
      fetch: (ctx) => fetchCoinGeckoMarkets(ctx.http, { baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, top, progress: rt.progress }),
      validate: isCoinMarketList,
      count: (coins) => coins.length,
    },
  );
  const coins = (universe.value ?? []).slice(0, options.limit);
  if (coins.length === 0) {
    const market = await syncMarketHistory(rt, { symbols: DEFAULT_UNIVERSE, mode: 'fill' });
    return { action: 'fill', where, coins: 0, universe: universe.report.error ?? 'no coins', sync: emptySync(), market };
  }
  const [binanceBase] = await rt.baseUrls('binance');
  const symbols = binanceBase === undefined ? undefined : await loadBinanceSymbols(rt, undefined, binanceBase).catch(() => undefined);
  const intervals: CandleInterval[] = options.interval === 'all' ? ['1d', '1h'] : [options.interval];
  const targets = historyTargets(coins, symbols, intervals);
  const sync = await syncHistory({
    ports: rt.history!,
    http: () => rt.http(),
    clock: rt.clock,
    baseUrl: async (source) => (await rt.baseUrls(source))[0] ?? '',
    targets,
    mode: 'fill',
    coingeckoKey: apiKeyFor('coingecko', rt.env),
    onDue: (due) => rt.progress.start('history fill', due),
    onProgress: (progress) => rt.progress.tick(progress.done),
  });
  rt.progress.end();
  // Stocks (keyed): every missing day of the default universe, 5 a minute.
  const market = await syncMarketHistory(rt, { symbols: DEFAULT_UNIVERSE, mode: 'fill' });
  const { series: _series, ...counts } = sync;
  return { action: 'fill', where, coins: coins.length, universe: universe.report.status, sync: counts, market };
}

function emptySync(): Omit<SyncResult, 'series'> {
  return { due: 0, requests: 0, fetched: 0, pending: 0, failures: [], blockedUntil: undefined };
}

/**
 * The crypto run's candle history: the ranked coins' series, brought up to date within the run's
 * budget (`--history-budget` requests, at most `COINGECKO_PER_RUN` of them to CoinGecko without a
 * key), then handed to the screen as `CryptoHistory`. The run never waits for history: what does
 * not fit is left pending and counted.
 */
import type { CandleInterval } from '../../candle.js';
import type { CryptoHistory } from '../../screens/crypto/coin-history.js';
import type { CoinHistoryViews } from '../../screens/signals/coin-signals.js';
import { lastOpenOf, type SeriesView } from '../../screens/signals/series-signals.js';
import type { BinanceUsdSymbol } from '../../sources/crypto/binance-usd-assets.js';
import { apiKeyFor } from '../../sources/source-names.js';
import type { HistoryPorts } from '../../store/history/history-ports.js';
import { seriesName, type SeriesKey } from '../../store/history/series-key.js';
import { isDue } from '../../store/history/series-merge.js';
import type { Runtime } from '../../runtime/runtime.js';
import { type HistoryCoin, historyTargets, type SeriesTarget } from './history-targets.js';
import { readSeriesView } from './series-views.js';
import { syncHistory } from './sync-history.js';

/** Default `--history-budget`: history requests a normal run may send. */
export const DEFAULT_HISTORY_BUDGET = 60;
/** CoinGecko market_chart requests a normal run may send without a key (rotated oldest first), and with one. */
export const COINGECKO_PER_RUN = { keyless: 3, keyed: 10 } as const;
/**
 * Wall-clock ms candle history may add to a normal run: Binance's due klines take well under it.
 * No request waits more than `RUN_PACE_WAIT_MS` for its host's pacing, so keyless CoinGecko (one
 * request per 2 s) lets one of its histories in when its slot is free, and the rest rotate
 * through later runs, oldest first.
 */
export const HISTORY_RUN_DEADLINE_MS = 3000;
/** The intervals a crypto run keeps. */
const RUN_INTERVALS: readonly CandleInterval[] = ['1d', '1h'];

export interface CryptoHistoryOptions {
  /** The ranked coins, best first. */
  coins: readonly HistoryCoin[];
  /** Binance's TRADING USD-quoted symbols (cached a day), or undefined when unknown. */
  usdSymbols: () => Promise<readonly BinanceUsdSymbol[] | undefined>;
  /** Requests this run may send (0: read only). */
  budget: number;
  /** False for an `--offline` run: read only. */
  fetch: boolean;
  /**
   * The history sources the run may call: those selected (`--sources`) whose snapshot answered
   * this run (fresh or cached); a source that is failing is not asked for history as well.
   */
  sources: ReadonlySet<'binance' | 'coingecko'>;
  /**
   * The instant the screen takes the signals as of (the run's start): a series comes as its
   * summary only where the summary holds then. @default the clock's now
   */
  asOfMs?: number | undefined;
}

/** The ranked coins' history, or undefined when the run keeps none (no history store). */
export async function loadCryptoHistory(rt: Runtime, options: CryptoHistoryOptions): Promise<CryptoHistory | undefined> {
  const ports = rt.history;
  if (!ports || options.coins.length === 0) return undefined;
  const asOfMs = options.asOfMs ?? rt.clock.now();
  if (!options.fetch || options.budget <= 0) return (await readStoredHistory(rt, ports, options.coins, asOfMs)).history;
  // Every coin's series stored and none due (a warm run, most runs): nothing to plan, so no need
  // to ask which coins have a Binance pair (the exchangeInfo entry, and under --demo its server).
  // A coin listed on or dropped by Binance since is planned afresh once a series of it is due.
  const stored = await readStoredHistory(rt, ports, options.coins, asOfMs);
  if (stored.history.pending === 0) return stored.history;
  const symbols = await options.usdSymbols().catch(() => undefined);
  const targets = historyTargets(options.coins, symbols, RUN_INTERVALS);
  // Series of a source the run may not call are read, never fetched.
  const fetchable = (target: SeriesTarget): boolean => target.key.source !== 'massive' && options.sources.has(target.key.source);
  const key = apiKeyFor('coingecko', rt.env);
  const sync = await syncHistory({
    ports,
    http: () => rt.http(),
    clock: rt.clock,
    baseUrl: async (source) => (await rt.baseUrls(source))[0] ?? '',
    targets,
    fetchable,
    mode: 'run',
    budget: options.budget,
    coingeckoPerRun: key ? COINGECKO_PER_RUN.keyed : COINGECKO_PER_RUN.keyless,
    coingeckoKey: key,
    deadlineMs: HISTORY_RUN_DEADLINE_MS,
    asOfMs,
    // The series just read are not read again.
    known: stored.views,
  });
  if (sync.requests > 0) rt.increment('history.requests', sync.requests);
  if (sync.failures.length > 0) rt.increment('history.failures', sync.failures.length);
  const byCoin = new Map<string, CoinHistoryViews>();
  for (const target of targets) {
    const series = sync.series.get(seriesName(target.key)) ?? null;
    const entry = byCoin.get(target.coinId) ?? { daily: null, hourly: null };
    byCoin.set(target.coinId, target.key.interval === '1d' ? { ...entry, daily: series } : { ...entry, hourly: series });
  }
  return { byCoin, pending: sync.pending };
}

/**
 * What is stored, without asking which coins have a Binance pair (that takes the exchangeInfo
 * entry): a coin's Binance series when there is one, else its CoinGecko series. Pending: every
 * series due, and one for each coin with nothing stored.
 */
async function readStoredHistory(
  rt: Runtime,
  ports: HistoryPorts,
  coins: readonly HistoryCoin[],
  asOfMs: number,
): Promise<{ history: CryptoHistory; views: Map<string, SeriesView | null> }> {
  const now = rt.clock.now();
  let pending = 0;
  const byCoin = new Map<string, CoinHistoryViews>();
  /** Every series read, by name (null: nothing stored). */
  const views = new Map<string, SeriesView | null>();
  const read = async (key: SeriesKey): Promise<SeriesView | null> => {
    const view = (await readSeriesView(ports.candles, key, asOfMs)) ?? null;
    views.set(seriesName(key), view);
    return view;
  };
  const due = (view: SeriesView | null, interval: CandleInterval): boolean => view !== null && isDue(lastOpenOf(view), interval, now);
  await Promise.all(
    coins.map(async (coin) => {
      const pair = `${coin.symbol.toUpperCase()}USDT`;
      const [daily, hourly] = await Promise.all([
        read({ source: 'binance', interval: '1d', asset: pair }),
        read({ source: 'binance', interval: '1h', asset: pair }),
      ]);
      if (daily || hourly) {
        pending += (daily === null || due(daily, '1d') ? 1 : 0) + (hourly === null || due(hourly, '1h') ? 1 : 0);
        byCoin.set(coin.id, { daily, hourly });
        return;
      }
      const gecko = await read({ source: 'coingecko', interval: '1d', asset: coin.id });
      pending += gecko === null || due(gecko, '1d') ? 1 : 0;
      byCoin.set(coin.id, { daily: gecko, hourly: null });
    }),
  );
  return { history: { byCoin, pending }, views };
}

/** The stderr line for pending history, or undefined when nothing is pending. */
export function pendingHistoryNote(history: CryptoHistory | undefined, budget: number): string | undefined {
  if (!history || history.pending === 0) return undefined;
  const why = budget > 0 ? ` (at most ${budget} requests a run)` : '';
  return `history: ${history.pending} series pending${why}; \`screen history fill\` fetches them now`;
}

/** `SCREEN_HISTORY_BUDGET` for a run without the crypto command's flags (`screen serve`): a whole number 0–5000, else the default. */
export function historyBudgetIn(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.SCREEN_HISTORY_BUDGET?.trim();
  const value = raw ? Number(raw) : Number.NaN;
  return Number.isInteger(value) && value >= 0 && value <= 5000 ? value : DEFAULT_HISTORY_BUDGET;
}

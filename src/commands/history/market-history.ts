/**
 * Stock history from Massive's grouped daily (README "History (candles)"): one request gives every
 * US stock's bar for one day, so the universe's series grow a day per request. Days are fetched
 * newest first, each once (the days asked are kept in a ledger entry, `massive/1d/~days`, so a
 * holiday is not asked again), until a year is held. A normal run asks at most
 * `MARKET_DAYS_PER_RUN` days (a burst the free plan's 5 a minute allows); a fill asks for every
 * missing day, 5 a minute. Without `MASSIVE_API_KEY` there is no market history, and it says so.
 */
import { INTERVAL_MS } from '../../candle.js';
import type { HttpGetter } from '../../http/types.js';
import { fetchGroupedDaily, MASSIVE_DEFAULT_BASE_URL } from '../../sources/history/massive-grouped-daily.js';
import type { CandleStore } from '../../store/history/candle-store.js';
import type { SeriesKey } from '../../store/history/series-key.js';
import { emptySeries, mergeSeries } from '../../store/history/series-merge.js';
import type { Runtime } from '../../runtime/runtime.js';

/** Days a normal run asks Massive for. */
export const MARKET_DAYS_PER_RUN = 4;
/** Days of history kept for stocks. */
const MARKET_HISTORY_DAYS = 365;
/** Massive's free plan: 5 requests a minute. */
const MASSIVE_PER_MINUTE = 5;
const DAY_MS = INTERVAL_MS['1d'];
const LEDGER: SeriesKey = { source: 'massive', interval: '1d', asset: '~days' };

export interface MarketHistoryResult {
  /** Why there is no market history (no key), else undefined. */
  absent: string | undefined;
  /** Days asked for and answered. */
  days: number;
  /** Weekdays of the last year not yet asked for. */
  missing: number;
  failures: string[];
}

export async function syncMarketHistory(
  rt: Runtime,
  options: { symbols: readonly string[]; mode: 'run' | 'fill'; signal?: AbortSignal },
): Promise<MarketHistoryResult> {
  const apiKey = rt.env.MASSIVE_API_KEY?.trim();
  const ports = rt.history;
  if (!apiKey) return { absent: 'MASSIVE_API_KEY is not set', days: 0, missing: 0, failures: [] };
  if (!ports) return { absent: 'no history store', days: 0, missing: 0, failures: [] };
  const baseUrl = (rt.env.SCREEN_MASSIVE_URL?.trim() || MASSIVE_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const ledger = (await ports.candles.read(LEDGER))?.series ?? emptySeries('1d');
  const asked = new Set(ledger.openTime);
  const today = Math.floor(rt.clock.now() / DAY_MS) * DAY_MS;
  const wanted: number[] = [];
  // Newest first: day D is complete once the run's clock is past 00:00 UTC of D+1.
  for (let day = today - DAY_MS; day > today - MARKET_HISTORY_DAYS * DAY_MS; day -= DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !asked.has(day)) wanted.push(day);
  }
  const limit = options.mode === 'run' ? MARKET_DAYS_PER_RUN : wanted.length;
  const failures: string[] = [];
  let days = 0;
  let http: HttpGetter | undefined;
  for (const [index, day] of wanted.slice(0, limit).entries()) {
    if (options.signal?.aborted) break;
    // A fill keeps to 5 a minute; a run's few requests are one burst within it.
    if (options.mode === 'fill' && index > 0 && index % MASSIVE_PER_MINUTE === 0) {
      try {
        await rt.clock.sleep(60_000, options.signal);
      } catch {
        break;
      }
    }
    http ??= await rt.http();
    const date = new Date(day).toISOString().slice(0, 10);
    try {
      const bars = await fetchGroupedDaily(http, { baseUrl, day: date, apiKey, ...(options.signal ? { signal: options.signal } : {}) });
      const bySymbol = new Map(bars.map((bar) => [bar.ticker, bar]));
      for (const symbol of options.symbols) {
        const bar = bySymbol.get(symbol);
        if (!bar) continue;
        const key: SeriesKey = { source: 'massive', interval: '1d', asset: symbol };
        const stored = await ports.candles.read(key);
        const fetched = {
          ...emptySeries('1d'),
          openTime: [day],
          open: [bar.open],
          high: [bar.high],
          low: [bar.low],
          close: [bar.close],
          quoteVolume: [bar.quoteVolume],
        };
        await ports.candles.write(key, { series: mergeSeries(stored?.series, fetched), fetchedAt: rt.clock.now() });
      }
      // No bars for the day that has just closed may only mean Massive has not published it yet:
      // it is asked again by a later run, and taken as a holiday once a day has passed.
      if (bars.length === 0 && day === today - DAY_MS) continue;
      const marked = { ...emptySeries('1d'), openTime: [day], open: [0], high: [0], low: [0], close: [0], quoteVolume: [bars.length] };
      const current = (await ports.candles.read(LEDGER))?.series;
      await ports.candles.write(LEDGER, { series: mergeSeries(current, marked, MARKET_HISTORY_DAYS + 10), fetchedAt: rt.clock.now() });
      days++;
    } catch (error) {
      failures.push(`massive ${date}: ${error instanceof Error ? error.message : String(error)}`);
      break;
    }
  }
  return { absent: undefined, days, missing: wanted.length - days, failures };
}

/** What Massive answered for each day asked (day number → bars; 0 for a holiday), from the ledger. */
export async function massiveBarsPerDay(candles: CandleStore): Promise<Map<number, number>> {
  const ledger = (await candles.read(LEDGER))?.series;
  return new Map((ledger?.openTime ?? []).map((openTime, at) => [Math.floor(openTime / DAY_MS), ledger!.quoteVolume[at]!]));
}

/** The stderr line a market run adds for its history: why there is none, or what is still missing. */
export function marketHistoryNote(history: MarketHistoryResult | undefined): string | undefined {
  if (!history) return undefined;
  if (history.absent) return `market history: absent (${history.absent}); stock signals need it`;
  if (history.failures.length > 0) return `market history: ${history.failures[0]}`;
  return history.missing > 0 ? `market history: ${history.missing} days still to fetch (${MARKET_DAYS_PER_RUN} a run)` : undefined;
}

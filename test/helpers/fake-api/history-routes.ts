/**
 * Candle history on the fake API: Binance klines (positional rows, the forming candle,
 * `startTime`/`endTime`/`limit` as Binance reads them) behind a weight bucket of 6,000 per
 * calendar minute (every answer says `X-MBX-USED-WEIGHT-1M`; past the bucket, 429 with
 * `Retry-After` to the next minute), CoinGecko market_chart and Massive grouped daily. Time is
 * the test's clock. Faults queue on the fake as usual (`api.fault('/api/v3/klines', …)`).
 */
import type { CandleInterval } from '../../../src/candle.js';
import type { GeneratedBar } from '../../../src/demo/candle-generator.js';
import { INTERVAL_MS } from '../../../src/candle.js';
import { groupedDailyAnswer, type KlinesQuery, klinesAnswer, marketChartAnswer } from '../../../src/demo/history-replies.js';
import type { FakeApi } from './types.js';

export interface HistoryRoutesOptions {
  now: () => number;
  /** Binance symbols that have klines (`BTCUSDT`); others answer -1121 Invalid symbol. */
  symbols: readonly string[];
  /** Weight per calendar minute. @default 6000 */
  weightPerMinute?: number;
  /** Each klines reply sent this long after its request arrived (as a real round trip), ms. @default 0 */
  latencyMs?: number;
  /** A symbol's bar at an open time instead of the generated one. */
  barAt?: (symbol: string, interval: CandleInterval, openTime: number) => GeneratedBar | undefined;
  /** Listing open time per symbol. */
  listedAt?: (symbol: string) => number | undefined;
  /** Massive tickers. @default [] */
  tickers?: readonly string[];
  /** Path prefixes of each API's base on the fake (`/bn` for `${api.url}/bn`). @default '' */
  prefixes?: { binance?: string; coingecko?: string; massive?: string };
  /**
   * Keeps each klines body made (by symbol, interval, query, open salt and the interval the clock
   * is in: everything the answer depends on), so an ask made before (or `prepare`d) costs no
   * generation. For a benchmark whose fake must answer within its latency; weight is still counted
   * per request. @default false
   */
  keepAnswers?: boolean;
}

export interface HistoryRoutes {
  /** Weight spent in the current minute. */
  usedWeight(): number;
  /** 429s sent so far. */
  readonly rejected: number;
  /** Varies the forming candle's values from now on. */
  setOpenSalt(salt: number): void;
  /** Makes (and, with `keepAnswers`, keeps) the klines body of one ask now, counting no weight. */
  prepare(symbol: string, interval: CandleInterval, query: KlinesQuery): void;
}

const KLINES_WEIGHT = 2;

export function installHistoryRoutes(api: FakeApi, options: HistoryRoutesOptions): HistoryRoutes {
  const limit = options.weightPerMinute ?? 6000;
  const known = new Set(options.symbols);
  let minute = -1;
  let used = 0;
  let salt = 0;
  const state = { rejected: 0 };
  const roll = (): void => {
    const now = Math.floor(options.now() / 60_000);
    if (now !== minute) {
      minute = now;
      used = 0;
    }
  };
  /** The answer to one klines request, its weight counted (on arrival, as Binance counts it). */
  const klinesReply = (url: URL): { status: number; headers: Record<string, string>; body: string } => {
    roll();
    if (used + KLINES_WEIGHT > limit) {
      state.rejected++;
      const retryAfterS = Math.max(1, Math.ceil(((minute + 1) * 60_000 - options.now()) / 1000));
      return {
        status: 429,
        headers: { 'retry-after': String(retryAfterS), 'x-mbx-used-weight-1m': String(used) },
        body: JSON.stringify({ code: -1003, msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.' }),
      };
    }
    used += KLINES_WEIGHT;
    const headers = { 'x-mbx-used-weight-1m': String(used) };
    const symbol = url.searchParams.get('symbol') ?? '';
    const interval = url.searchParams.get('interval');
    if (!known.has(symbol) || (interval !== '1d' && interval !== '1h'))
      return { status: 400, headers, body: JSON.stringify({ code: -1121, msg: 'Invalid symbol.' }) };
    const num = (name: string): number | undefined => {
      const raw = url.searchParams.get(name);
      return raw === null ? undefined : Number(raw);
    };
    const answer = klinesBody(symbol, interval, { startTime: num('startTime'), endTime: num('endTime'), limit: num('limit') });
    return 'error' in answer ? { status: 400, headers, body: JSON.stringify(answer.error) } : { status: 200, headers, body: answer.body };
  };
  const kept = new Map<string, string>();
  /** The rows of one ask as JSON text (kept with `keepAnswers`), or Binance's error for it. */
  const klinesBody = (symbol: string, interval: CandleInterval, query: KlinesQuery): { body: string } | { error: unknown } => {
    const now = options.now();
    const step = INTERVAL_MS[interval];
    // The answer moves only with the interval the clock is in (its forming candle, its 1,500-day start).
    const key = [symbol, interval, query.startTime, query.endTime, query.limit, salt, Math.floor(now / step), Math.ceil(now / step)].join(
      '|',
    );
    const hit = options.keepAnswers ? kept.get(key) : undefined;
    if (hit !== undefined) return { body: hit };
    const listedAt = options.listedAt?.(symbol);
    const barAt = options.barAt;
    const answer = klinesAnswer(symbol, interval, query, now, {
      openSalt: salt,
      ...(listedAt !== undefined ? { listedAt } : {}),
      ...(barAt ? { barAt: (t: number) => barAt(symbol, interval, t) ?? fallbackBar(t) } : {}),
    });
    if ('error' in answer) return { error: answer.error };
    const body = JSON.stringify(answer.rows);
    if (options.keepAnswers) kept.set(key, body);
    return { body };
  };
  api.route('GET', `${options.prefixes?.binance ?? ''}/api/v3/klines`, async (_req, url, ctx) => {
    // As a real round trip: made (and serialised) on arrival, sent `latencyMs` after arrival, so
    // the fake's own work of generating 1,000 bars is inside the latency, not added to it.
    const arrived = performance.now();
    const reply = klinesReply(url);
    const waitMs = (options.latencyMs ?? 0) - (performance.now() - arrived);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    ctx.text(reply.body, { status: reply.status, headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers } });
  });
  const coins = `${options.prefixes?.coingecko ?? ''}/coins/`;
  api.route('GET', `${coins}*`, (_req, url, ctx) => {
    const match = /^([^/]+)\/market_chart$/.exec(url.pathname.slice(coins.length));
    if (!match) {
      ctx.json({ error: 'not found' }, { status: 404 });
      return;
    }
    ctx.json(marketChartAnswer(decodeURIComponent(match[1]!), Number(url.searchParams.get('days') ?? '1'), options.now()));
  });
  api.route('GET', `${options.prefixes?.massive ?? ''}/v2/aggs/grouped/locale/us/market/stocks/*`, (_req, url, ctx) => {
    const day = url.pathname.split('/').at(-1) ?? '';
    ctx.json(groupedDailyAnswer(options.tickers ?? [], day));
  });
  return {
    usedWeight: () => {
      roll();
      return used;
    },
    get rejected() {
      return state.rejected;
    },
    setOpenSalt: (next) => {
      salt = next;
    },
    prepare: (symbol, interval, query) => {
      klinesBody(symbol, interval, query);
    },
  };
}

function fallbackBar(openTime: number): GeneratedBar {
  return { openTime, open: 1, high: 1, low: 1, close: 1, volume: 1, quoteVolume: 1 };
}

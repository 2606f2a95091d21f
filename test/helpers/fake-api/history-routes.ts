/**
 * Candle history on the fake API: Binance klines (positional rows, the forming candle,
 * `startTime`/`endTime`/`limit` as Binance reads them) behind a weight bucket of 6,000 per
 * calendar minute (every answer says `X-MBX-USED-WEIGHT-1M`; past the bucket, 429 with
 * `Retry-After` to the next minute), CoinGecko market_chart and Massive grouped daily. Time is
 * the test's clock. Faults queue on the fake as usual (`api.fault('/api/v3/klines', …)`).
 */
import type { CandleInterval } from '../../../src/candle.js';
import type { GeneratedBar } from '../../../src/demo/candle-generator.js';
import { groupedDailyAnswer, klinesAnswer, marketChartAnswer } from '../../../src/demo/history-replies.js';
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
}

export interface HistoryRoutes {
  /** Weight spent in the current minute. */
  usedWeight(): number;
  /** 429s sent so far. */
  readonly rejected: number;
  /** Varies the forming candle's values from now on. */
  setOpenSalt(salt: number): void;
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
  const klinesReply = (url: URL): { status: number; headers: Record<string, string>; json: unknown } => {
    roll();
    if (used + KLINES_WEIGHT > limit) {
      state.rejected++;
      const retryAfterS = Math.max(1, Math.ceil(((minute + 1) * 60_000 - options.now()) / 1000));
      return {
        status: 429,
        headers: { 'retry-after': String(retryAfterS), 'x-mbx-used-weight-1m': String(used) },
        json: { code: -1003, msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.' },
      };
    }
    used += KLINES_WEIGHT;
    const headers = { 'x-mbx-used-weight-1m': String(used) };
    const symbol = url.searchParams.get('symbol') ?? '';
    const interval = url.searchParams.get('interval');
    if (!known.has(symbol) || (interval !== '1d' && interval !== '1h'))
      return { status: 400, headers, json: { code: -1121, msg: 'Invalid symbol.' } };
    const num = (name: string): number | undefined => {
      const raw = url.searchParams.get(name);
      return raw === null ? undefined : Number(raw);
    };
    const listedAt = options.listedAt?.(symbol);
    const barAt = options.barAt;
    const answer = klinesAnswer(
      symbol,
      interval,
      { startTime: num('startTime'), endTime: num('endTime'), limit: num('limit') },
      options.now(),
      {
        openSalt: salt,
        ...(listedAt !== undefined ? { listedAt } : {}),
        ...(barAt ? { barAt: (t: number) => barAt(symbol, interval, t) ?? fallbackBar(t) } : {}),
      },
    );
    return 'error' in answer ? { status: 400, headers, json: answer.error } : { status: 200, headers, json: answer.rows };
  };
  api.route('GET', `${options.prefixes?.binance ?? ''}/api/v3/klines`, async (_req, url, ctx) => {
    // As a real round trip: made (and serialised) on arrival, sent `latencyMs` after arrival, so
    // the fake's own work of generating 1,000 bars is inside the latency, not added to it.
    const arrived = performance.now();
    const reply = klinesReply(url);
    const body = JSON.stringify(reply.json);
    const waitMs = (options.latencyMs ?? 0) - (performance.now() - arrived);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    ctx.text(body, { status: reply.status, headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers } });
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
  };
}

function fallbackBar(openTime: number): GeneratedBar {
  return { openTime, open: 1, high: 1, low: 1, close: 1, volume: 1, quoteVolume: 1 };
}

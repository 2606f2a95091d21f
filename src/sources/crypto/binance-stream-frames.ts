/**
 * Binance's market-data WebSocket, the all-market mini-ticker stream (`!miniTicker@arr`): every
 * second, one text frame holding an array of the symbols whose ticker changed, each
 * `{"e":"24hrMiniTicker","E":<event ms>,"s":"BTCUSDT","c":"<close>","o":…,"h":…,"l":…,"v":…,"q":…}`.
 * Prices are decimal strings. Before a server goes away it may send `{"e":"serverShutdown","E":…}`.
 * Only USDT pairs are mapped: a USDT price is a USD price to within the peg, the same rule the
 * REST ticker's most liquid USD pair follows.
 */
import * as v from 'valibot';
import { QahtError } from '../../errors.js';
import { parseDecimal } from '../shared/numbers.js';
import type { Env } from '../source-names.js';

/** The stream every live price comes from. */
export const BINANCE_STREAM_NAME = '!miniTicker@arr';
/** The market-data-only endpoint (no user data, no key), raw streams under `/ws`. */
export const DEFAULT_BINANCE_WS_URL = 'wss://data-stream.binance.vision/ws';
/** The environment variable that replaces `DEFAULT_BINANCE_WS_URL` (tests, the demo, a proxy). */
export const BINANCE_WS_URL_VAR = 'SCREEN_BINANCE_WS_URL';

/** A pair's symbol as the stream spells it: a base asset of letters and digits, quoted in USDT. */
const USDT_PAIR = /^([A-Z0-9]{1,20})USDT$/;

const MiniTicker = v.object({
  e: v.literal('24hrMiniTicker'),
  E: v.pipe(v.number(), v.finite()),
  s: v.pipe(v.string(), v.maxLength(40)),
  c: v.union([v.string(), v.number()]),
});
const MiniTickerArray = v.pipe(v.array(v.unknown()), v.maxLength(10_000));
const ServerShutdown = v.object({ e: v.literal('serverShutdown') });

/** One live USD price: the base asset (`BTC`), its price and the exchange's event time (epoch ms). */
export interface StreamPrice {
  base: string;
  priceUsd: number;
  atMs: number;
}

/** What one frame says: prices, the server going away, or something this stream does not use. */
export type StreamFrame = { kind: 'prices'; prices: StreamPrice[] } | { kind: 'shutdown' } | { kind: 'ignored' };

/**
 * The stream's URL: `SCREEN_BINANCE_WS_URL` (a `ws:` or `wss:` base such as
 * `ws://127.0.0.1:9443/ws`) or the default, with the stream name after it.
 * @throws QahtError QAHT_ERR_USAGE when the override is not a ws: or wss: URL
 */
export function binanceStreamUrl(env: Env): string {
  const base = (env[BINANCE_WS_URL_VAR]?.trim() || DEFAULT_BINANCE_WS_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new QahtError('QAHT_ERR_USAGE', `${BINANCE_WS_URL_VAR} is not a URL`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new QahtError('QAHT_ERR_USAGE', `${BINANCE_WS_URL_VAR} must start with ws:// or wss://`);
  }
  return `${base}/${BINANCE_STREAM_NAME}`;
}

/**
 * Reads one text frame. Entries that are not USDT pairs, or whose price is not a positive number,
 * are skipped one by one (a new listing with an odd symbol costs nothing else); a frame that is
 * not JSON, or an array holding something other than mini-tickers, is the server speaking
 * another language and throws, so the connection is closed with that reason.
 * @throws QahtError QAHT_ERR_INVALID_DATA
 */
export function parseStreamFrame(text: string): StreamFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new QahtError('QAHT_ERR_INVALID_DATA', 'binance-stream sent a frame that is not JSON');
  }
  if (!Array.isArray(value)) return v.is(ServerShutdown, value) ? { kind: 'shutdown' } : { kind: 'ignored' };
  if (!v.is(MiniTickerArray, value)) throw new QahtError('QAHT_ERR_INVALID_DATA', 'binance-stream sent a frame with too many entries');
  const prices: StreamPrice[] = [];
  for (const entry of value) {
    if (!v.is(MiniTicker, entry)) throw new QahtError('QAHT_ERR_INVALID_DATA', 'binance-stream sent a frame that is not mini-tickers');
    const pair = USDT_PAIR.exec(entry.s);
    if (!pair) continue;
    const price = parseDecimal(entry.c);
    if (price === null || price <= 0) continue;
    prices.push({ base: pair[1]!, priceUsd: price, atMs: entry.E });
  }
  return { kind: 'prices', prices };
}

import { readFile } from 'node:fs/promises';
import { startWsServer, type WsServer } from './ws-server.js';

/** The stream's path under the server, as Binance's raw streams have it. */
const STREAM_PATH = '/ws/!miniTicker@arr';
/** Binance's pace for the all-market mini-tickers. */
const FRAME_EVERY_MS = 1_000;
/** Largest move of one price in one frame, as a share: enough to see prices move, never a jump. */
const STEP = 0.0006;

/** Where the recorded ticker is: the recordings' folder and their manifest entries (the demo server's library). */
interface TickerRecordings {
  dir: string;
  recordings: ReadonlyArray<{ source: string; path: string; file: string }>;
}

/** The demo's live-price stream. */
export interface DemoStream {
  /** `SCREEN_BINANCE_WS_URL` for it. */
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * Binance's market-data stream for `--demo`: every second a `!miniTicker@arr` frame that moves
 * the recorded USDT prices a little (a random walk around the recording), about a third of the
 * pairs per frame, as the real stream sends only the tickers that changed. Never keeps the
 * process alive.
 */
export async function startDemoStream(library: TickerRecordings): Promise<DemoStream> {
  const prices = await recordedUsdtPrices(library);
  const server: WsServer = await startWsServer({ path: STREAM_PATH });
  const timer = setInterval(() => {
    if (server.sockets.size === 0) return;
    server.broadcast(JSON.stringify(nextFrame(prices, Date.now())));
  }, FRAME_EVERY_MS);
  timer.unref();
  return {
    wsUrl: `${server.origin}/ws`,
    close: async () => {
      clearInterval(timer);
      await server.close();
    },
  };
}

/** One frame: a random third of the pairs, each moved by at most `STEP`. */
function nextFrame(prices: Map<string, number>, nowMs: number): unknown[] {
  const frame: unknown[] = [];
  for (const [symbol, price] of prices) {
    if (Math.random() > 0.35) continue;
    const next = price * (1 + (Math.random() * 2 - 1) * STEP);
    prices.set(symbol, next);
    const close = next.toPrecision(8);
    frame.push({ e: '24hrMiniTicker', E: nowMs, s: symbol, c: close, o: close, h: close, l: close, v: '0', q: '0' });
  }
  return frame;
}

/** The recorded 24 h ticker's USDT pairs and their last prices. */
async function recordedUsdtPrices(library: TickerRecordings): Promise<Map<string, number>> {
  const recording = library.recordings.find((r) => r.source === 'binance' && r.path === '/api/v3/ticker/24hr');
  const prices = new Map<string, number>();
  if (!recording) return prices;
  const text = await readFile(`${library.dir}${recording.file}`, 'utf8');
  // The times are template tokens, not JSON; only symbols and prices are read.
  for (const match of text.matchAll(/"symbol":"([A-Z0-9]+USDT)"[^}]*?"lastPrice":"([0-9.]+)"/g)) {
    const price = Number(match[2]);
    if (Number.isFinite(price) && price > 0) prices.set(match[1]!, price);
  }
  return prices;
}

import { startWsServer, type UpgradeAnswer, type WsServer } from '../../../src/demo/ws-server.js';

/**
 * Binance's market-data stream on loopback (the demo's RFC 6455 server): `!miniTicker@arr` frames
 * on demand, and the faults a real stream has — drops, refused upgrades, floods, oversized and
 * malformed frames.
 */
export interface FakeStream {
  /** `SCREEN_BINANCE_WS_URL` for it. */
  readonly wsUrl: string;
  readonly server: WsServer;
  /** Upgrade requests so far (accepted or refused). */
  attempts(): number;
  /** How upgrades are answered from now on (`accept` by default). */
  answer(answer: UpgradeAnswer): void;
  /** One frame with a mini-ticker per `pairs` entry (`{BTCUSDT: 96000}`), stamped `atMs`; returns the connections that got it. */
  sendPrices(pairs: Record<string, number>, atMs: number): number;
  /** Sends `text` as one text frame. */
  sendText(text: string): number;
  /**
   * Sends `framesPerSecond` frames a second for `durationMs` to whatever is connected (batches
   * every 10 ms); resolves with how many were written.
   */
  flood(options: { framesPerSecond: number; durationMs: number; frame?: string }): Promise<number>;
  close(): Promise<void>;
}

export const STREAM_PATH = '/ws/!miniTicker@arr';

/** A mini-ticker as the real stream sends it (prices as strings). */
export function miniTicker(symbol: string, price: number, atMs: number): Record<string, unknown> {
  const close = String(price);
  return { e: '24hrMiniTicker', E: atMs, s: symbol, c: close, o: close, h: close, l: close, v: '1', q: '1' };
}

export async function startFakeStream(): Promise<FakeStream> {
  let answer: UpgradeAnswer = 'accept';
  const server = await startWsServer({ path: STREAM_PATH, answer: () => answer });
  return {
    wsUrl: `${server.origin}/ws`,
    server,
    attempts: () => server.upgrades(),
    answer(next) {
      answer = next;
    },
    sendPrices(pairs, atMs) {
      return server.broadcast(JSON.stringify(Object.entries(pairs).map(([symbol, price]) => miniTicker(symbol, price, atMs))));
    },
    sendText: (text) => server.broadcast(text),
    async flood({ framesPerSecond, durationMs, frame }) {
      const text = frame ?? JSON.stringify([miniTicker('BTCUSDT', 96_000, Date.now()), miniTicker('ETHUSDT', 3_500, Date.now())]);
      const perBatch = Math.max(1, Math.round(framesPerSecond / 100));
      let sent = 0;
      const until = performance.now() + durationMs;
      while (performance.now() < until) {
        for (let i = 0; i < perBatch; i++) if (server.broadcast(text) > 0) sent += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return sent;
    },
    close: () => server.close(),
  };
}

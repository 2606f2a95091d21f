import type { HttpLogger } from '../../http/client-options.js';
import type { HostBreaker } from '../../resilience/host-policies.js';
import { type LiveStream, type LiveStreamOptions, type LiveStreamStatus, startLiveStream } from '../../http/stream/live-stream.js';
import type { Clock } from '../../time/clock.js';
import type { Env } from '../source-names.js';
import { binanceStreamUrl, parseStreamFrame, type StreamPrice } from './binance-stream-frames.js';

/** The stream's name in source lists, logs and metrics. */
export const BINANCE_STREAM_SOURCE = 'binance-stream';

export interface BinanceStreamOptions {
  env: Env;
  clock: Clock;
  /** The run's breaker of a host (`host:port`); the stream's host gets the same one its REST requests would. */
  breakerFor(host: string): HostBreaker;
  /** Each frame's USDT prices (possibly none). */
  onPrices(prices: StreamPrice[]): void;
  onStatus(status: LiveStreamStatus): void;
  signal: AbortSignal;
  logger?: HttpLogger;
  settings?: LiveStreamOptions['settings'];
}

/**
 * Binance's all-market mini-ticker stream (`SCREEN_BINANCE_WS_URL`, default
 * `wss://data-stream.binance.vision/ws`) as USDT prices. A frame that cannot be read closes the
 * connection (it is then retried like any drop); a `serverShutdown` event replaces it at once.
 * @throws QahtError QAHT_ERR_USAGE when `SCREEN_BINANCE_WS_URL` is not a ws: or wss: URL
 */
export function startBinanceStream(options: BinanceStreamOptions): LiveStream {
  const url = binanceStreamUrl(options.env);
  return startLiveStream({
    url,
    clock: options.clock,
    breaker: options.breakerFor(new URL(url).host),
    onFrame: (text) => {
      const frame = parseStreamFrame(text);
      if (frame.kind === 'prices') options.onPrices(frame.prices);
      // The server is about to go away: a new connection now, not after its close and a backoff.
      return frame.kind === 'shutdown' ? 'reconnect' : undefined;
    },
    onStatus: options.onStatus,
    signal: options.signal,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
}

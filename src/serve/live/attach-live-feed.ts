import type { LiveStream, LiveStreamStatus } from '../../http/stream/live-stream.js';
import type { StreamPrice } from '../../sources/crypto/binance-stream-frames.js';
import type { Clock } from '../../time/clock.js';
import type { EventStream } from '../event-stream.js';
import type { ScreenBoard } from '../screen-board.js';
import { LiveFeed } from './live-feed.js';

/** Starts the stream that feeds the live prices (the service passes the feed's handlers). */
export type LiveStreamStarter = (handlers: {
  onPrices(prices: StreamPrice[]): void;
  onStatus(status: LiveStreamStatus): void;
}) => LiveStream;

/** The live feed of a service, once attached to its crypto screen. */
export interface AttachedLiveFeed {
  readonly feed: LiveFeed;
  /** Starts the stream (once). */
  start(): void;
  /** Resolves once the stream has stopped; at once if it never started. */
  stopped(): Promise<void>;
}

/**
 * Lays live prices over the crypto screen (when the service refreshes one) and sends its `tick`
 * events to every `/api/events` reader. Undefined when crypto is not served: no stream is opened.
 */
export function attachLiveFeed(input: {
  board: ScreenBoard;
  events: EventStream;
  clock: Clock;
  signal: AbortSignal;
  start: LiveStreamStarter;
}): AttachedLiveFeed | undefined {
  const state = input.board.find('crypto');
  if (!state) return undefined;
  const feed = new LiveFeed({ clock: input.clock, state, signal: input.signal, sendTick: (entries) => input.events.send('tick', entries) });
  state.overlay = feed;
  let stream: LiveStream | undefined;
  return {
    feed,
    start() {
      stream ??= input.start({ onPrices: (prices) => feed.onPrices(prices), onStatus: (status) => feed.onStatus(status) });
    },
    stopped: async () => {
      await stream?.done;
    },
  };
}

import type { HostBreaker } from '../../../resilience/host-policies.js';
import type { LiveStreamStatus } from '../../../http/stream/live-stream.js';
import type { CommandResult, SourceReport } from '../../../report.js';
import type { CryptoRow } from '../../../screens/crypto/crypto-row.js';
import { PriceBook, withLivePrices } from '../../../screens/crypto/live-prices.js';
import { BINANCE_STREAM_SOURCE, startBinanceStream } from '../../../sources/crypto/binance-stream.js';
import type { Env } from '../../../sources/source-names.js';
import type { Clock } from '../../../time/clock.js';

/** Least time between two redraws for prices, ms: the stream's own pace. */
const REDRAW_EVERY_MS = 1_000;

/** `--watch`'s live prices: the stream's book laid over each shown result. */
export interface WatchPrices {
  /** The result with each row's price from the stream where it has one, and the stream in the source list. */
  apply<Row>(result: CommandResult<Row>, nowMs: number): CommandResult<Row>;
  /** Closes the stream. */
  stop(): Promise<void>;
}

/**
 * Opens Binance's stream for `screen crypto --watch` and calls `redraw` when prices moved, at
 * most once a second, so the rows move between refreshes; the refreshes themselves keep their
 * schedule and a tick never causes a request.
 */
export function startWatchPrices(input: { env: Env; clock: Clock; breakerFor(host: string): HostBreaker; redraw(): void }): WatchPrices {
  const { clock } = input;
  const book = new PriceBook();
  const stop = new AbortController();
  let status: LiveStreamStatus = { state: 'down', sinceMs: clock.now(), reason: 'connecting' };
  let lastFrameAt: number | undefined;
  let lastRedrawAt = Number.NEGATIVE_INFINITY;
  let scheduled = false;
  const requestRedraw = (): void => {
    if (scheduled) return;
    const waitMs = lastRedrawAt + REDRAW_EVERY_MS - clock.now();
    const redraw = (): void => {
      scheduled = false;
      lastRedrawAt = clock.now();
      input.redraw();
    };
    if (waitMs <= 0) {
      redraw();
      return;
    }
    scheduled = true;
    clock.sleep(waitMs, stop.signal).then(redraw, () => undefined);
  };
  const stream = startBinanceStream({
    env: input.env,
    clock,
    breakerFor: input.breakerFor,
    signal: stop.signal,
    onPrices: (prices) => {
      lastFrameAt = clock.now();
      if (book.update(prices) > 0) requestRedraw();
    },
    onStatus: (next) => {
      status = next;
      if (next.state === 'down') book.clear();
      requestRedraw();
    },
  });
  return {
    apply<Row>(result: CommandResult<Row>, nowMs: number): CommandResult<Row> {
      const fetchedAt = new Map(
        result.sources.flatMap((source) => (source.fetchedAt === null ? [] : [[source.name, source.fetchedAt] as const])),
      );
      const restAt = (row: CryptoRow): string =>
        row.sources.map((name) => fetchedAt.get(name)).find((at) => at !== undefined) ?? result.generatedAt;
      const rows = withLivePrices(result.results as unknown as CryptoRow[], book, restAt);
      const streamSource = {
        name: BINANCE_STREAM_SOURCE,
        // The header prints name, status and age: `live`/`down` are the stream's own words.
        status: status.state as unknown as SourceReport['status'],
        fetchedAt: lastFrameAt === undefined ? null : new Date(lastFrameAt).toISOString(),
        ageSeconds: lastFrameAt === undefined ? null : Math.max(0, Math.round((nowMs - lastFrameAt) / 1000)),
        items: rows.filter((row) => row.priceSource === 'stream').length,
        error: status.reason,
      };
      return { ...result, sources: [...result.sources, streamSource], results: rows as unknown as Row[] };
    },
    async stop() {
      stop.abort();
      await stream.done;
    },
  };
}

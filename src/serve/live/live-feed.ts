import type { LiveStreamStatus } from '../../http/stream/live-stream.js';
import type { JsonDocument } from '../../output/render-json.js';
import { sanitizeText } from '../../output/sanitize.js';
import type { CryptoRow } from '../../screens/crypto/crypto-row.js';
import { type LiveRow, PriceBook, withLivePrices } from '../../screens/crypto/live-prices.js';
import type { StreamPrice } from '../../sources/crypto/binance-stream-frames.js';
import { BINANCE_STREAM_SOURCE } from '../../sources/crypto/binance-stream.js';
import type { Clock } from '../../time/clock.js';
import type { DocumentOverlay, ScreenState } from '../screen-board.js';

/** Least time between two `tick` events, ms: a browser gets at most one a second, however fast frames come. */
export const TICK_INTERVAL_MS = 1_000;

/** One moved price, as a `tick` event lists it. */
export interface TickEntry {
  id: string;
  symbol: string;
  priceUsd: number | null;
  priceAt: string;
}

export interface LiveFeedOptions {
  clock: Clock;
  /** The crypto screen's state: its rows are the ones priced. */
  state: ScreenState;
  /** Sends one `tick` event to every reader. */
  sendTick(entries: TickEntry[]): void;
  /** Ends the pending tick's wait (the service is stopping). */
  signal: AbortSignal;
}

/**
 * Live prices for `screen serve`: the book the stream fills, laid over the crypto document
 * (`priceUsd`, `priceAt`, `priceSource` on each row, `binance-stream` in its sources) and sent
 * to readers as `tick` events: the first change after a quiet second goes out at once, later
 * ones are gathered until a second has passed since the last event. While the stream is down the
 * book is empty, so every row serves its REST price. Nothing here ever asks an API for anything.
 */
export class LiveFeed implements DocumentOverlay {
  readonly #options: LiveFeedOptions;
  readonly #book = new PriceBook();
  #status: LiveStreamStatus;
  #statusVersion = 0;
  #lastFrameAt: number | undefined;
  #lastTickAt = Number.NEGATIVE_INFINITY;
  #tickPending = false;
  #tickScheduled = false;
  /** What each row's last tick said (`price@time`), so a tick lists only rows that moved. */
  readonly #sent = new Map<string, string>();
  #ticks = 0;

  constructor(options: LiveFeedOptions) {
    this.#options = options;
    this.#status = { state: 'down', sinceMs: options.clock.now(), reason: 'connecting' };
  }

  /** `tick` events sent so far. */
  get ticks(): number {
    return this.#ticks;
  }

  onPrices(prices: StreamPrice[]): void {
    this.#lastFrameAt = this.#options.clock.now();
    if (this.#book.update(prices) > 0) this.#requestTick();
  }

  onStatus(status: LiveStreamStatus): void {
    this.#status = status;
    this.#statusVersion += 1;
    if (status.state === 'down') {
      // Prices stop being live the moment the stream is: every row goes back to its REST price.
      this.#book.clear();
      this.#requestTick();
    }
  }

  version(): number {
    return this.#book.version + this.#statusVersion;
  }

  apply(document: JsonDocument, state: ScreenState, nowMs: number): JsonDocument {
    const rows = this.#rows(document.results as CryptoRow[], state);
    const fetchedMs = this.#lastFrameAt;
    const stream = {
      name: BINANCE_STREAM_SOURCE,
      status: this.#status.state,
      fetchedAt: fetchedMs === undefined ? null : new Date(fetchedMs).toISOString(),
      ageSeconds: fetchedMs === undefined ? null : Math.max(0, Math.round((nowMs - fetchedMs) / 1000)),
      items: rows.filter((row) => row.priceSource === 'stream').length,
      error: this.#status.reason === null ? null : sanitizeText(this.#status.reason),
    };
    // The source list's type names the REST statuses; `live`/`down` are the stream's own words.
    return { ...document, sources: [...document.sources, stream as unknown as JsonDocument['sources'][number]], results: rows };
  }

  #rows(results: readonly CryptoRow[], state: ScreenState): LiveRow[] {
    const sources = state.answer?.refresh.result.sources ?? [];
    const generatedAt = state.answer?.refresh.result.generatedAt ?? new Date(this.#options.clock.now()).toISOString();
    const fetchedAt = new Map(sources.flatMap((source) => (source.fetchedAt === null ? [] : [[source.name, source.fetchedAt] as const])));
    // A REST price was taken when the first of the row's sources fetched it (the merge's order).
    const restAt = (row: CryptoRow): string => {
      for (const name of row.sources) {
        const at = fetchedAt.get(name);
        if (at !== undefined) return at;
      }
      return generatedAt;
    };
    return withLivePrices(results, this.#book, restAt);
  }

  #requestTick(): void {
    this.#tickPending = true;
    if (this.#tickScheduled) return;
    const waitMs = this.#lastTickAt + TICK_INTERVAL_MS - this.#options.clock.now();
    if (waitMs <= 0) {
      this.#flush();
      return;
    }
    this.#tickScheduled = true;
    this.#options.clock.sleep(waitMs, this.#options.signal).then(
      () => {
        this.#tickScheduled = false;
        this.#flush();
      },
      () => undefined,
    );
  }

  #flush(): void {
    if (!this.#tickPending) return;
    this.#tickPending = false;
    const state = this.#options.state;
    const answer = state.answer;
    if (!answer) return;
    const entries: TickEntry[] = [];
    const rows = this.#rows(answer.refresh.result.results as CryptoRow[], state);
    // Only the rows served now are remembered: the map never outgrows one document.
    const shown = new Set(rows.map((row) => row.id));
    for (const id of this.#sent.keys()) if (!shown.has(id)) this.#sent.delete(id);
    for (const row of rows) {
      const said = `${row.priceUsd}@${row.priceAt}`;
      if (this.#sent.get(row.id) === said) continue;
      // Only rows the stream has touched: a REST price the page already shows is no news.
      if (row.priceSource === 'rest' && !this.#sent.has(row.id)) continue;
      this.#sent.set(row.id, said);
      entries.push({ id: sanitizeText(row.id), symbol: sanitizeText(row.symbol), priceUsd: row.priceUsd, priceAt: row.priceAt });
    }
    if (entries.length === 0) return;
    this.#lastTickAt = this.#options.clock.now();
    this.#ticks += 1;
    this.#options.sendTick(entries);
  }
}

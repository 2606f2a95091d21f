import type { ServerResponse } from 'node:http';

/** Most Server-Sent Events readers at once; more are refused with 503. */
export const MAX_EVENT_CLIENTS = 1000;
/** A reader this far behind (bytes queued on its socket) is dropped rather than buffered without end. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** How long a browser waits before reconnecting after the stream ends, in ms (sent as `retry:`). */
const RECONNECT_MS = 5_000;

/**
 * The readers of `GET /api/events`, each a raw response kept open. `send` writes one event to
 * every reader; `close` ends them all (on shutdown, so no connection holds the process open).
 */
export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  #closed = false;

  get size(): number {
    return this.#clients.size;
  }

  /** Whether one more reader may join (not closed, and fewer than `MAX_EVENT_CLIENTS`). */
  canAccept(): boolean {
    return !this.#closed && this.#clients.size < MAX_EVENT_CLIENTS;
  }

  /** Starts the event stream on `response` (headers, reconnect delay) and keeps it until either side ends it. */
  add(response: ServerResponse, headers: Record<string, string>): void {
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies (nginx) would otherwise hold events back in their buffers.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${RECONNECT_MS}\n: qaht events\n\n`);
    this.#clients.add(response);
    const forget = (): void => {
      this.#clients.delete(response);
    };
    response.on('close', forget);
    response.on('error', forget);
  }

  /** Writes `event` with `data` (JSON, so one line) to every reader. */
  send(event: string, data: unknown): void {
    // Encoded once for every reader, not once per socket.
    this.#write(Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, 'utf8'));
  }

  /** A comment line: keeps idle connections (and the proxies between) from timing out. */
  ping(): void {
    this.#write(': ping\n\n');
  }

  /** Ends every stream and refuses new ones. */
  close(): void {
    this.#closed = true;
    for (const response of this.#clients) response.end();
    this.#clients.clear();
  }

  #write(frame: string | Buffer): void {
    for (const response of this.#clients) {
      if (response.writableLength > MAX_QUEUED_BYTES) {
        this.#clients.delete(response);
        response.destroy();
        continue;
      }
      response.write(frame);
    }
  }
}

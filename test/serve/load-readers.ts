import { connect, type Socket } from 'node:net';

/** What a read load measured: every status, and the latencies of the measured window. */
export interface ReadLoad {
  requests: number;
  /** How many answered each status code. */
  statuses: Record<string, number>;
  /** Connections that failed or closed early (each counts as a failed request). */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers per second over the measured window. */
  perSecond: number;
  /** Bytes of the last body read: what each reader received. */
  bodyBytes: number;
}

export interface ReadLoadOptions {
  /** An `http://127.0.0.1:PORT/path` URL: loopback only. */
  url: string;
  /** Readers at once, each on its own keep-alive connection. */
  readers: number;
  /** Reading before the measured window, so connections are open and the server's JIT is warm, in ms. */
  warmupMs: number;
  /** The measured window, in ms. Bounded: the load stops by itself. */
  durationMs: number;
  /**
   * How long each reader waits after an answer before asking again, in ms (readers start spread
   * over it). 0: back to back, which measures the server at saturation, where latency is only
   * readers ÷ throughput. @default 0
   */
  pauseMs?: number;
  /** Extra request headers, e.g. `authorization`. */
  headers?: Record<string, string>;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * `readers` concurrent readers of one URL, each on its own keep-alive socket, reading the whole
 * body before asking again (after `pauseMs`), for `warmupMs` and then `durationMs`. Latency is
 * from writing the request to the last byte of the body, measured in the window only. The client
 * is a bare socket that parses only the status line and `content-length`, so that on a small
 * machine the load generator's own cost stays out of the figures as far as it can.
 */
export async function readLoad(options: ReadLoadOptions): Promise<ReadLoad> {
  const url = new URL(options.url);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`readLoad: loopback only, got ${url.hostname}`);
  const extra = Object.entries(options.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const requestBytes = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n${extra}\r\n`);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bodyBytes = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + options.warmupMs;
  const endAt = measureFrom + options.durationMs;
  const pauseMs = options.pauseMs ?? 0;

  const reader = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const socket: Socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
      let head: Buffer = Buffer.alloc(0);
      let status = 0;
      let remaining = -1;
      let sentAt = 0;
      const send = (): void => {
        if (performance.now() >= endAt) {
          socket.end();
          return;
        }
        sentAt = performance.now();
        socket.write(requestBytes);
      };
      const answered = (): void => {
        if (sentAt >= measureFrom) {
          latencies.push(performance.now() - sentAt);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
        head = Buffer.alloc(0);
        remaining = -1;
        if (pauseMs > 0) setTimeout(send, pauseMs);
        else send();
      };
      socket.on('connect', () => (pauseMs > 0 ? setTimeout(send, (index / options.readers) * pauseMs) : send()));
      socket.on('data', (chunk: Buffer) => {
        let data = chunk;
        while (data.length > 0) {
          if (remaining < 0) {
            head = head.length === 0 ? data : Buffer.concat([head, data]);
            const end = head.indexOf(HEADER_END);
            if (end === -1) return;
            const headers = head.subarray(0, end).toString('latin1');
            status = Number(headers.slice(9, 12));
            const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
            remaining = length ? Number(length[1]) : 0;
            bodyBytes = remaining;
            data = head.subarray(end + HEADER_END.length);
          }
          const used = Math.min(remaining, data.length);
          remaining -= used;
          data = data.subarray(used);
          if (remaining === 0) answered();
        }
      });
      socket.on('error', () => {
        errors += 1;
      });
      socket.on('close', () => {
        if (remaining > 0) errors += 1;
        resolve();
      });
    });

  await Promise.all(Array.from({ length: options.readers }, (_, index) => reader(index)));
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requests: latencies.length + errors,
    statuses,
    errors,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    perSecond: latencies.length / (options.durationMs / 1000),
    bodyBytes,
  };
}

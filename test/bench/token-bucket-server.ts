import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/time/clock.js';

export interface TokenBucketOptions {
  /** Tokens added per second (the allowed rate). */
  ratePerS: number;
  /** Bucket size (the allowed burst). */
  burst: number;
  /** Also send `X-RateLimit-Limit/Remaining/Reset` on every answer. */
  sendHeaders: boolean;
  /** Time source shared with the client under test (a simulated clock, or the system clock). */
  clock: Clock;
  /** Port to listen on (the same port = the same host to the client's limiter). @default 0 */
  port?: number;
  /**
   * How long after the clock's now request number `index` (0-based) counts as arrived, in ms:
   * connection set-up and network jitter, which a simulated clock does not have. @default none
   */
  arrivalDelayMs?: (index: number) => number;
  /** The body of a 200 for a request URL (path and query), e.g. a real API's page. @default `{"ok":true}` */
  body?: (url: URL) => string;
}

export interface TokenBucketServer {
  url: string;
  /** 200s and 429s answered so far, and when each 200 arrived (epoch ms on the clock). */
  readonly counts: { ok: number; limited: number; okArrivals: number[] };
  close(): Promise<void>;
}

/**
 * A loopback API that enforces a token bucket like a real rate-limited API: within budget it
 * answers 200, past it 429 with `Retry-After` in whole seconds (RFC 9110 delay-seconds, as real
 * APIs send it). With `sendHeaders`, `X-RateLimit-Reset` is the delay in seconds (3 decimals)
 * until the bucket is full again, and `X-RateLimit-Remaining` the whole tokens left.
 */
export async function startTokenBucketServer(options: TokenBucketOptions): Promise<TokenBucketServer> {
  const { ratePerS, burst, clock } = options;
  let tokens = burst;
  let refilledAt = clock.now();
  const counts = { ok: 0, limited: 0, okArrivals: [] as number[] };
  let received = 0;
  const refill = (now: number): void => {
    tokens = Math.min(burst, tokens + (Math.max(0, now - refilledAt) * ratePerS) / 1000);
    refilledAt = Math.max(refilledAt, now);
  };
  const server = createServer((req, res) => {
    req.resume();
    const now = clock.now() + (options.arrivalDelayMs?.(received++) ?? 0);
    refill(now);
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.sendHeaders) {
      headers['x-ratelimit-limit'] = String(burst);
      headers['x-ratelimit-remaining'] = String(Math.floor(tokens));
      headers['x-ratelimit-reset'] = ((burst - tokens) / ratePerS).toFixed(3);
    }
    if (allowed) {
      counts.ok += 1;
      counts.okArrivals.push(now);
      res.writeHead(200, headers);
      res.end(options.body ? options.body(new URL(req.url ?? '/', 'http://127.0.0.1')) : '{"ok":true}');
      return;
    }
    counts.limited += 1;
    headers['retry-after'] = String(Math.max(1, Math.ceil((1 - tokens) / ratePerS)));
    res.writeHead(429, headers);
    res.end('{"error":"rate limit exceeded"}');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** Content encodings the fake can apply to a route's body. */
export type Compression = 'gzip' | 'br' | 'deflate';

/**
 * A canned reply, also the shape of a status fault (`{ status: 503 }`). `json` wins over `body`
 * and sets `Content-Type: application/json`. `retryAfter` becomes the `Retry-After` header
 * (seconds, or an HTTP date string).
 */
export interface CannedReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  json?: unknown;
  retryAfter?: string | number;
}

/**
 * Something that goes wrong with one request. Object faults may also carry `latencyMs`, applied
 * before anything is sent.
 * - `{ latencyMs }`: the normal reply, late.
 * - `{ slowHeadersMs }`: nothing at all (not even headers) for that long, then the normal reply.
 * - `{ slowBodyMs, chunks? }`: headers at once; the body in `chunks` pieces (default 4), each
 *   `slowBodyMs` after the previous one.
 * - `{ oversizedBytes }`: a 200 streaming that many bytes of valid-looking JSON (chunked).
 * - `{ status, retryAfter?, headers?, body?, json? }`: a canned reply (429, 418, 451, 5xx, ...).
 * - `'reset'`: the socket is destroyed before any byte is sent.
 * - `'reset-mid-body'`: headers and part of the body, then a TCP reset.
 * - `'truncated-body'`: a Content-Length larger than what is sent, then a clean close.
 * - `'malformed-json'`: 200, `application/json`, a body that does not parse.
 * - `'html-200'`: 200, `text/html`, an HTML page (a CDN interstitial).
 */
export type Fault =
  | 'reset'
  | 'reset-mid-body'
  | 'truncated-body'
  | 'malformed-json'
  | 'html-200'
  | { latencyMs: number }
  | { slowHeadersMs: number; latencyMs?: number }
  | { slowBodyMs: number; chunks?: number; latencyMs?: number }
  | { oversizedBytes: number; latencyMs?: number }
  | (CannedReply & { status: number; latencyMs?: number });

export interface FaultOptions {
  /** How many of the next requests on the path get this fault. @default Infinity (all following) */
  times?: number;
}

/** Per-route behaviour that applies whatever the handler answers. */
export interface RouteOptions {
  /** Compress the body with this encoding (always, so tests know what went over the wire). */
  compress?: Compression;
  /** Send this ETag; answer 304 to a request whose If-None-Match matches it. */
  etag?: string;
  /** Send this Last-Modified; answer 304 to a request whose If-Modified-Since equals it. */
  lastModified?: string;
  /** Delay every reply on this route by this many ms. */
  latencyMs?: number;
}

/** A static route: a canned reply plus route options. */
export type RouteSpec = CannedReply & RouteOptions;

/** What a handler gets besides the request and its parsed URL. */
export interface RouteContext {
  /** 1-based count of requests that reached this route (faulted ones included). */
  readonly count: number;
  /** The raw response, for handlers that want full control (then return nothing). */
  readonly res: ServerResponse;
  /** Replies with JSON (status 200 unless given), through the route's compression/ETag. */
  json(value: unknown, init?: { status?: number; headers?: Record<string, string> }): void;
  /** Replies with text (status 200, `text/plain` unless given). */
  text(body: string | Buffer, init?: { status?: number; headers?: Record<string, string> }): void;
}

/**
 * A dynamic route. Reply through `ctx.json`/`ctx.text`/`ctx.res`, or return a value: a returned
 * value (not undefined) is sent as JSON with status 200.
 */
export type RouteHandler = (req: IncomingMessage, url: URL, ctx: RouteContext) => unknown;

/** One request as the server saw it. */
export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Arrival time, epoch ms with sub-ms precision. */
  at: number;
}

export interface StartFakeApiOptions {
  /** Loopback address to bind (e.g. `127.0.0.2` to get a second "host"). @default '127.0.0.1' */
  host?: string;
}

export interface FakeApi {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** `url` host part: `127.0.0.1:41234`. */
  readonly host: string;
  /** Every request received so far, in arrival order. */
  readonly requests: readonly LoggedRequest[];
  /**
   * Adds or replaces the route for `method path` (path without query); a path ending in `/*`
   * answers every path under it that has no route of its own. Returns the fake for chaining.
   */
  route(method: string, path: string, reply: RouteHandler | RouteSpec, options?: RouteOptions): FakeApi;
  /**
   * Queues a fault for the next `times` requests on `path` (`'*'` matches every path that has
   * no fault of its own). Faults queued on one path apply in order.
   */
  fault(path: string, fault: Fault, options?: FaultOptions): FakeApi;
  clearFaults(): void;
  /** Requests received on `path` (all paths when omitted). */
  requestCount(path?: string): number;
  /** Forgets routes, faults and the request log. */
  reset(): void;
  /** Stops the server, destroying every open socket and pending timer. */
  close(): Promise<void>;
}

import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Requests one connection may have waiting for their answers at once (HTTP/1.1 pipelining). */
const MAX_PIPELINED_REQUESTS = 4;
/** Answer bytes one connection may leave unread before it is cut. */
const MAX_UNREAD_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Time a client has to send its whole request (headers and body), in ms. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Time a client has to send its request's headers, in ms: a slow-drip client is cut sooner than the whole request's bound. */
const HEADERS_TIMEOUT_MS = 8_000;
/** How long an idle keep-alive connection stays open, in ms. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * How often the server looks for requests past their time, in ms. Node checks every 30 s by
 * default, which lets a slow client hold a socket three times longer than the timeout says.
 */
const TIMEOUT_CHECK_MS = 1_000;

interface SocketLoad {
  /** Requests received on the socket whose answers have not finished. */
  waiting: number;
}

const loads = new WeakMap<Socket, SocketLoad>();

/**
 * Applies the timeouts to a server made by a `serverFactory` (Fastify sets them only on a
 * server it creates itself, so without this Node's defaults rule: 300 s per request, 60 s for
 * headers, checked every 30 s) and wraps `handler` so that one connection cannot hold more than
 * `MAX_PIPELINED_REQUESTS` unanswered requests or `MAX_UNREAD_RESPONSE_BYTES` of answers its
 * client does not read: past either, the connection is cut. A client that pipelines without
 * reading would otherwise make the server build every answer it asked for in memory.
 */
export function guardedServer(
  create: (
    options: { requestTimeout: number; headersTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval: number },
    handler: RequestListener,
  ) => Server,
  handler: RequestListener,
): Server {
  const server = create(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    (request, response) => {
      if (admit(request, response)) handler(request, response);
    },
  );
  server.on('connection', sliceParsing);
  // Set on the instance as well: some Node versions read these only from the server's properties.
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

function admit(request: IncomingMessage, response: ServerResponse): boolean {
  const socket = request.socket;
  let load = loads.get(socket);
  if (!load) {
    load = { waiting: 0 };
    loads.set(socket, load);
  }
  if (load.waiting >= MAX_PIPELINED_REQUESTS || socket.writableLength > MAX_UNREAD_RESPONSE_BYTES) {
    cut(socket);
    return false;
  }
  load.waiting += 1;
  const owned = load;
  let counted = true;
  const settle = (): void => {
    if (!counted) return;
    counted = false;
    owned.waiting -= 1;
  };
  response.once('finish', settle);
  response.once('close', settle);
  // A client that stops reading leaves the answer in the socket's buffer: cut it once that
  // buffer passes the limit instead of letting every later answer pile up behind it.
  response.once('finish', () => {
    if (socket.writableLength > MAX_UNREAD_RESPONSE_BYTES) cut(socket);
  });
  return true;
}

/** Bytes of one read handed to the HTTP parser at a time (a request line and its headers rarely need more). */
const PARSE_SLICE_BYTES = 2_048;
const sliced = Symbol('qaht.slicedParser');

interface NodeHttpParser {
  execute(data: Buffer): number | Error;
  socket?: Socket | null;
  [sliced]?: true;
}

/**
 * Node hands each read (up to 64 KiB) to the HTTP parser whole, and the parser turns every
 * request in it into a request object before anything can look at the connection again: a
 * read of a thousand pipelined requests becomes a thousand requests even after the first few
 * got the connection cut. Feeding the parser slices of a read and stopping once the connection
 * is gone bounds that to a slice. A `data` listener makes Node read the socket in JavaScript
 * (its own rule: the parser then gets each read through `execute`, not natively), and `parser`
 * and its `execute` are Node's own; when a Node version lacks them the server works as before,
 * only without this bound.
 */
function sliceParsing(socket: Socket): void {
  const parser = (socket as Socket & { parser?: NodeHttpParser | null }).parser;
  if (!parser || typeof parser.execute !== 'function') return;
  // Node reuses parsers from a pool: a parser met before already slices.
  socket.on('data', ignoreData);
  if (parser[sliced]) return;
  const execute = parser.execute;
  parser[sliced] = true;
  parser.execute = function (this: NodeHttpParser, data: Buffer): number | Error {
    if (!Buffer.isBuffer(data) || data.length <= PARSE_SLICE_BYTES) return execute.call(this, data);
    let parsed = 0;
    for (let at = 0; at < data.length; at += PARSE_SLICE_BYTES) {
      const result = execute.call(this, data.subarray(at, at + PARSE_SLICE_BYTES));
      if (typeof result !== 'number') return result;
      parsed += result;
      if (this.socket?.destroyed) return data.length;
    }
    return parsed;
  };
}

function ignoreData(): void {}

function cut(socket: Socket): void {
  socket.destroy();
}

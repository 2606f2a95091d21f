import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultQueue } from './fault-queue.js';
import {
  applyRouteOptions,
  cannedToPrepared,
  deliver,
  streamOversized,
  type BodyDelivery,
  type Delays,
  type PreparedReply,
} from './reply.js';
import type { FakeApi, Fault, LoggedRequest, RouteContext, RouteHandler, RouteOptions, RouteSpec, StartFakeApiOptions } from './types.js';

interface Route {
  reply: RouteHandler | RouteSpec;
  options: RouteOptions;
  count: number;
}

const MALFORMED_JSON = '{"data":[{"id":"bitcoin","priceUsd":"96243.89"},{"id":"ethereum","priceUsd":';
const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Just a moment...</title></head>' +
  '<body><h1>Checking your browser before accessing the API</h1></body></html>';
/** Body used by body-level faults on a path with no route, so there is something to cut. */
const FILLER_JSON = JSON.stringify({ data: Array.from({ length: 40 }, (_, i) => ({ id: `item-${i}`, value: i })) });

/**
 * Starts a loopback HTTP server with a route table and fault injection, for tests that must
 * never touch the real network. Bind address defaults to 127.0.0.1, port is picked by the OS.
 */
export async function startFakeApi(options: StartFakeApiOptions = {}): Promise<FakeApi> {
  const bindHost = options.host ?? '127.0.0.1';
  const routes = new Map<string, Route>();
  const faults = new FaultQueue();
  const log: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const delays: Delays = {
    delay: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `fake api handler failed: ${String(error)}` }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    req.resume();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? bindHost}`);
    const method = (req.method ?? 'GET').toUpperCase();
    log.push({ method, path: url.pathname, query: url.searchParams, headers: req.headers, at: performance.timeOrigin + performance.now() });

    const route = routes.get(routeKey(method, url.pathname)) ?? prefixRoute(routes, method, url.pathname);
    if (route) route.count += 1;
    const fault = faults.take(url.pathname);

    if (route?.options.latencyMs) await delays.delay(route.options.latencyMs);
    if (fault && typeof fault === 'object') {
      if ('latencyMs' in fault && fault.latencyMs) await delays.delay(fault.latencyMs);
      if ('slowHeadersMs' in fault) await delays.delay(fault.slowHeadersMs);
    }
    if (res.destroyed) return;

    if (fault === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'malformed-json')
      return deliver(
        res,
        cannedToPrepared({ status: 200, body: MALFORMED_JSON, headers: { 'content-type': 'application/json' } }),
        undefined,
        delays,
      );
    if (fault === 'html-200')
      return deliver(
        res,
        cannedToPrepared({ status: 200, body: HTML_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } }),
        undefined,
        delays,
      );
    if (fault && typeof fault === 'object') {
      if ('oversizedBytes' in fault) return streamOversized(res, fault.oversizedBytes);
      if ('status' in fault) {
        const canned =
          fault.json === undefined && fault.body === undefined ? { ...fault, json: { error: `fake fault ${fault.status}` } } : fault;
        return deliver(res, cannedToPrepared(canned), undefined, delays);
      }
    }

    const delivery = bodyDelivery(fault);
    if (!route) {
      const reply = delivery
        ? cannedToPrepared({ json: JSON.parse(FILLER_JSON) })
        : cannedToPrepared({ status: 404, json: { error: `fake api: no route for ${method} ${url.pathname}` } });
      return deliver(res, reply, delivery, delays);
    }
    const send = (reply: PreparedReply): Promise<void> => deliver(res, applyRouteOptions(reply, req, route.options), delivery, delays);
    if (typeof route.reply !== 'function') return send(cannedToPrepared(route.reply));
    return runHandler(route.reply, req, url, res, route.count, send);
  }

  const api: FakeApi = {
    url: '',
    host: '',
    get requests() {
      return log;
    },
    route(method, path, reply, routeOptions = {}) {
      const fromSpec = typeof reply === 'function' ? {} : pickRouteOptions(reply);
      routes.set(routeKey(method, path), { reply, options: { ...fromSpec, ...routeOptions }, count: 0 });
      return api;
    },
    fault(path, fault, faultOptions = {}) {
      faults.add(path, fault, faultOptions.times);
      return api;
    },
    clearFaults: () => faults.clear(),
    requestCount: (path) => (path === undefined ? log.length : log.filter((r) => r.path === path).length),
    reset() {
      routes.clear();
      faults.clear();
      log.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = `${bindHost}:${port}`;
  Object.assign(api, { url: `http://${host}`, host });
  return api;
}

async function runHandler(
  handler: RouteHandler,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
  count: number,
  send: (reply: PreparedReply) => Promise<void>,
): Promise<void> {
  let pending: Promise<void> | undefined;
  const ctx: RouteContext = {
    count,
    res,
    json(value, init = {}) {
      pending = send(cannedToPrepared({ json: value, ...init }));
    },
    text(body, init = {}) {
      pending = send(cannedToPrepared({ body, ...init }));
    },
  };
  const returned = await handler(req, url, ctx);
  if (pending) return pending;
  if (returned !== undefined && !res.headersSent) return send(cannedToPrepared({ json: returned }));
}

function bodyDelivery(fault: Fault | undefined): BodyDelivery {
  if (fault === 'reset-mid-body' || fault === 'truncated-body') return fault;
  if (fault && typeof fault === 'object' && 'slowBodyMs' in fault) return fault;
  return undefined;
}

function pickRouteOptions(spec: RouteSpec): RouteOptions {
  const out: RouteOptions = {};
  if (spec.compress) out.compress = spec.compress;
  if (spec.etag) out.etag = spec.etag;
  if (spec.lastModified) out.lastModified = spec.lastModified;
  if (spec.latencyMs) out.latencyMs = spec.latencyMs;
  return out;
}

/** A route registered as `/prefix/*` answers every path under the prefix that has no route of its own. */
function prefixRoute(routes: ReadonlyMap<string, Route>, method: string, path: string): Route | undefined {
  for (const [key, route] of routes) {
    if (!key.endsWith('/*')) continue;
    const prefix = key.slice(0, -1);
    if (routeKey(method, path).startsWith(prefix)) return route;
  }
  return undefined;
}

function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

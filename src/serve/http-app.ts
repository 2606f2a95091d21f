import { createServer } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from '../output/logger.js';
import { sanitizeText } from '../output/sanitize.js';
import type { StatusReport } from '../output/status-report.js';
import type { MetricLabels, PerformanceMonitor } from '../perf/performance-monitor.js';
import type { BreakerStateName } from '../resilience/circuit-breaker.js';
import type { Clock } from '../time/clock.js';
import type { ClientRateLimit } from './client-rate-limit.js';
import { guardedServer } from './connection-guard.js';
import { DASHBOARD_ASSETS } from './dashboard-assets.js';
import type { EventStream } from './event-stream.js';
import { fastifyLogger } from './fastify-logger.js';
import { renderDashboardPage } from './page/dashboard-page.js';
import type { ScreenBoard } from './screen-board.js';
import { SERVE_SCREENS, type ServeScreen } from './screen-job.js';
import { ServedDocumentCache, servedDocument } from './served-document.js';
import { screenViews } from './screen-views.js';
import { serveMetricsText } from './serve-metrics.js';
import { createTokenCheck } from './serve-token.js';

export interface ServeAppOptions {
  board: ScreenBoard;
  events: EventStream;
  /** For ages and the rate limit (the service's clock). */
  clock: Clock;
  /** The run context's monitor: `/api/metrics` serves its stats; each request's latency is recorded in it. */
  monitor: PerformanceMonitor;
  /** The run context's breakers, by host, for `/metrics`. */
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>;
  /** The latest health report (`screen status`'s), refreshed after each refresh. */
  health(): StatusReport | undefined;
  /** `SCREEN_SERVE_TOKEN`: when set, every route but `/healthz` needs `Authorization: Bearer <token>`. */
  token: string | undefined;
  rateLimit: ClientRateLimit;
  logger: Logger;
  /** The project logger's level, which Fastify's logger reports as its own. */
  logLevel: string;
  /** The package version, for the page's footer. */
  version: string;
  /** With a shared store: 1 while the file store stands in for it, 0 while Redis serves; undefined without one. */
  storeFallback?: () => 0 | 1 | undefined;
  /** The `Host:` allow-list of a loopback-bound server (421 for any other name); undefined: any host. */
  hostCheck?: ((hostHeader: string | undefined) => boolean) | undefined;
}

/** Longest request target accepted, in bytes (path and query): a longer one is 414. */
export const MAX_URL_BYTES = 2048;
/** Largest request header block, in bytes (Node answers 431 past it). */
export const MAX_HEADER_BYTES = 8 * 1024;
/** Largest request body, in bytes: every route is a GET, so a body is never needed. */
export const MAX_BODY_BYTES = 1024;
/** Longest `q`: far past any news query worth running. */
const MAX_QUERY_CHARS = 200;

/** The timing series of the API's own requests (`qaht_operation_duration_seconds{operation="serve.request"}`). */
export const REQUEST_TIMING = 'serve.request';

/** Routes any client may call without the token. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/healthz']);

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};
/** Scripts, styles and icons from qaht only; data only from qaht; no frames, forms or plugins. */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SIGNALS_QUERY = {
  type: 'object',
  properties: {
    screen: { type: 'string', enum: [...SERVE_SCREENS] },
    q: { type: 'string', minLength: 1, maxLength: MAX_QUERY_CHARS },
  },
} as const;

/**
 * The HTTP side of `screen serve` (README "Dashboard and API"): the dashboard and its assets, `/api/signals`,
 * `/api/metrics`, `/metrics`, `/healthz`, `/readyz` and `/api/events`. Every answer comes from
 * memory (the board, the monitor, the last health report): a reader never causes an upstream
 * request. Each request passes the size limits, the per-client rate limit and the token check, in
 * that order; errors are one-line JSON `{"error": ...}`. Not listening yet: `listen` or `inject`.
 */
export function buildServeApp(options: ServeAppOptions): FastifyInstance {
  const { board, clock, monitor } = options;
  const app = Fastify({
    loggerInstance: fastifyLogger(options.logger, options.logLevel, { component: 'serve' }),
    // One line per request would drown the log a cron user reads; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Fastify applies its request and keep-alive timeouts only to a server it makes itself: the
    // guard sets them on this one, and bounds what a single connection may hold.
    serverFactory: (handler) =>
      guardedServer((timeouts, guarded) => createServer({ maxHeaderSize: MAX_HEADER_BYTES, ...timeouts }, guarded), handler),
  });
  const documents = new ServedDocumentCache();
  const checkToken = options.token === undefined ? undefined : createTokenCheck(options.token);
  const startedAt = new WeakMap<FastifyRequest, number>();
  const routeLabels = new Map<string, MetricLabels>();

  // Callback hooks, not async ones: no promise per request on the path every reader takes.
  app.addHook('onRequest', (request, reply, done) => {
    startedAt.set(request, performance.now());
    setHeaders(reply, SECURITY_HEADERS);
    const refusal = refuse(request);
    if (refusal) {
      for (const [name, value] of Object.entries(refusal.headers ?? {})) reply.header(name, value);
      reply.code(refusal.status).send({ error: refusal.error });
      return;
    }
    done();
  });

  /** Why a request is turned away before its route runs: a foreign host name, too long, too many, or without the token. */
  const refuse = (request: FastifyRequest): { status: number; error: string; headers?: Record<string, string> } | undefined => {
    if (options.hostCheck && !options.hostCheck(request.headers.host)) {
      return {
        status: 421,
        error: 'this server answers only to its own host names (see --allowed-host)',
        headers: { connection: 'close' },
      };
    }
    if (request.url.length > MAX_URL_BYTES) return { status: 414, error: `request target longer than ${MAX_URL_BYTES} bytes` };
    // Every route is a GET, which Fastify never reads a body of: one is refused, not drained.
    if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES || request.headers['transfer-encoding'] !== undefined) {
      return { status: 413, error: `request body over ${MAX_BODY_BYTES} bytes` };
    }
    if (PUBLIC_PATHS.has(request.url.split('?')[0]!)) return undefined;
    const waitMs = options.rateLimit.take(request.ip);
    if (waitMs > 0) {
      return {
        status: 429,
        error: 'too many requests from this address; slow down',
        headers: { 'retry-after': String(Math.ceil(waitMs / 1000)) },
      };
    }
    if (checkToken && !checkToken(request.headers.authorization)) {
      return { status: 401, error: 'missing or wrong bearer token', headers: { 'www-authenticate': 'Bearer realm="qaht"' } };
    }
    return undefined;
  };

  app.addHook('onResponse', (request, reply, done) => {
    done();
    const began = startedAt.get(request);
    if (began === undefined) return;
    const route = request.routeOptions.url ?? 'unmatched';
    let labels = routeLabels.get(route);
    if (!labels) {
      labels = Object.freeze({ route });
      routeLabels.set(route, labels);
    }
    monitor.record(REQUEST_TIMING, performance.now() - began, labels);
    if (reply.statusCode >= 500) monitor.recordError(REQUEST_TIMING, labels);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${sanitizeText(request.url.split('?')[0]).slice(0, 100)}` });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return reply.code(400).send({ error: `bad query: ${sanitizeText(error.message)}` });
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal error' : sanitizeText(error.message) });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const screens = board.states.map((state) => ({
      screen: state.job.screen,
      ...(state.job.query === undefined ? {} : { query: state.job.query }),
      ready: state.answer !== undefined,
      stale: state.failure !== undefined && state.answer !== undefined,
    }));
    const ready = board.ready();
    return reply.code(ready ? 200 : 503).send({ ready, screens });
  });

  app.get<{ Querystring: { screen?: ServeScreen; q?: string } }>(
    '/api/signals',
    { schema: { querystring: SIGNALS_QUERY } },
    async (request, reply) => {
      const { screen, q } = request.query;
      const nowMs = clock.now();
      if (q !== undefined && screen !== 'news') return reply.code(400).send({ error: 'q is only for screen=news' });
      if (screen === undefined) return reply.type('application/json; charset=utf-8').send(allSignals(board, nowMs));
      if (!board.enabled(screen)) return reply.code(404).send({ error: `screen ${screen} is not enabled` });
      const state = board.find(screen, q);
      if (!state) return reply.code(404).send({ error: `no news query ${JSON.stringify(sanitizeText(q))} is served` });
      const body = documents.body(state, nowMs);
      if (body === undefined) {
        const why = state.failure ? `: ${state.failure.reason}` : '';
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: `${screen} has nothing to serve yet${why}` });
      }
      return reply.header('cache-control', 'no-cache').type('application/json; charset=utf-8').send(body);
    },
  );

  app.get('/api/metrics', async (_request, reply) => reply.header('cache-control', 'no-store').send(monitor.getStats()));

  app.get('/metrics', async (_request, reply) => {
    const text = serveMetricsText({
      board,
      stats: monitor.getStats(),
      series: monitor.series(),
      breakers: options.breakers,
      health: options.health(),
      nowMs: clock.now(),
      storeFallback: options.storeFallback?.(),
    });
    return reply.header('cache-control', 'no-store').type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });

  app.get('/api/events', (request, reply) => {
    if (!options.events.canAccept()) {
      return reply.code(503).header('retry-after', '10').send({ error: 'too many event readers' });
    }
    reply.hijack();
    options.events.add(reply.raw, SECURITY_HEADERS);
    request.raw.on('close', () => reply.raw.end());
  });

  app.get('/', async (_request, reply) => {
    const nowMs = clock.now();
    const page = renderDashboardPage({
      nowMs,
      screens: screenViews(board, nowMs),
      health: options.health(),
      breakers: options.breakers,
      version: options.version,
      assets: { style: DASHBOARD_ASSETS.style.path, script: DASHBOARD_ASSETS.script.path, icon: DASHBOARD_ASSETS.icon.path },
    });
    return reply
      .header('content-security-policy', PAGE_POLICY)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(page);
  });

  for (const asset of Object.values(DASHBOARD_ASSETS)) {
    app.get(asset.path, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=31536000, immutable').type(asset.contentType).send(asset.body),
    );
  }
  return app;
}

/** `GET /api/signals` without `screen`: `{crypto: doc, news: {QUERY: doc}, market: doc}` (enabled screens only; null while one has nothing to serve). */
function allSignals(board: ScreenBoard, nowMs: number): string {
  const all: Record<string, unknown> = {};
  for (const screen of SERVE_SCREENS) {
    if (!board.enabled(screen)) continue;
    const states = board.states.filter((state) => state.job.screen === screen);
    all[screen] =
      screen === 'news'
        ? Object.fromEntries(states.map((state) => [state.job.query ?? '', servedDocument(state, nowMs) ?? null]))
        : (servedDocument(states[0]!, nowMs) ?? null);
  }
  return `${JSON.stringify(all)}\n`;
}

function setHeaders(reply: FastifyReply, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
}

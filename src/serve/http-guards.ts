/**
 * What every request of `screen serve`'s HTTP app passes before and after its route: the host
 * check, the size limits, the per-client rate limit and the token check (in that order; refused
 * with one-line JSON `{"error": ...}`), the security headers, the latency record, and the
 * not-found and error answers.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sanitizeText } from '../output/sanitize.js';
import type { MetricLabels, PerformanceMonitor } from '../perf/performance-monitor.js';
import type { ClientRateLimit } from './client-rate-limit.js';
import { createTokenCheck } from './serve-token.js';

/** Longest request target accepted, in bytes (path and query): a longer one is 414. */
export const MAX_URL_BYTES = 2048;
/** Largest request header block, in bytes (Node answers 431 past it). */
export const MAX_HEADER_BYTES = 8 * 1024;
/** Largest request body, in bytes: every route is a GET, so a body is never needed. */
export const MAX_BODY_BYTES = 1024;

/** The timing series of the API's own requests (`qaht_operation_duration_seconds{operation="serve.request"}`). */
export const REQUEST_TIMING = 'serve.request';

/** Routes any client may call without the token. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/healthz']);

export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

export interface GuardOptions {
  /** Each request's latency is recorded in it. */
  monitor: PerformanceMonitor;
  /** `SCREEN_SERVE_TOKEN`: when set, every route but `/healthz` needs `Authorization: Bearer <token>`. */
  token: string | undefined;
  rateLimit: ClientRateLimit;
  /** The `Host:` allow-list of a loopback-bound server (421 for any other name); undefined: any host. */
  hostCheck?: ((hostHeader: string | undefined) => boolean) | undefined;
}

interface Refusal {
  status: number;
  error: string;
  headers?: Record<string, string>;
}

/** Adds the guards, the latency record and the not-found and error answers to `app`. */
export function addGuards(app: FastifyInstance, options: GuardOptions): void {
  const refuse = refusalCheck(options);
  const startedAt = new WeakMap<FastifyRequest, number>();
  const routeLabels = new Map<string, MetricLabels>();

  // Callback hooks, not async ones: no promise per request on the path every reader takes.
  app.addHook('onRequest', (request, reply, done) => {
    startedAt.set(request, performance.now());
    setHeaders(reply, SECURITY_HEADERS);
    const refusal = refuse(request);
    if (refusal) {
      setHeaders(reply, refusal.headers ?? {});
      reply.code(refusal.status).send({ error: refusal.error });
      return;
    }
    done();
  });

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
    options.monitor.record(REQUEST_TIMING, performance.now() - began, labels);
    if (reply.statusCode >= 500) options.monitor.recordError(REQUEST_TIMING, labels);
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
}

/** Why a request is turned away before its route runs: a foreign host name, too long, too many, or without the token. */
function refusalCheck(options: GuardOptions): (request: FastifyRequest) => Refusal | undefined {
  const checkToken = options.token === undefined ? undefined : createTokenCheck(options.token);
  return (request): Refusal | undefined => {
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
}

function setHeaders(reply: FastifyReply, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
}

/**
 * `screen serve`'s API (README "Dashboard and API"): `/healthz`, `/readyz`, `/api/signals`,
 * `/api/metrics`, `/metrics` and `/api/events`. Every answer comes from memory (the board, the
 * monitor, the last health report): a reader never causes an upstream request.
 */
import type { FastifyInstance } from 'fastify';
import { sanitizeText } from '../../output/sanitize.js';
import type { StatusReport } from '../../output/status-report.js';
import type { PerformanceMonitor } from '../../perf/performance-monitor.js';
import type { BreakerStateName } from '../../resilience/circuit-breaker.js';
import type { Clock } from '../../time/clock.js';
import type { EventStream } from '../event-stream.js';
import { SECURITY_HEADERS } from '../http-guards.js';
import type { ScreenBoard } from '../screen-board.js';
import { SERVE_SCREENS, type ServeScreen } from '../screen-job.js';
import { ServedDocumentCache, servedDocument } from '../served-document.js';
import { serveMetricsText } from '../serve-metrics.js';

/** Longest `q`: far past any news query worth running. */
const MAX_QUERY_CHARS = 200;

const SIGNALS_QUERY = {
  type: 'object',
  properties: {
    screen: { type: 'string', enum: [...SERVE_SCREENS] },
    q: { type: 'string', minLength: 1, maxLength: MAX_QUERY_CHARS },
  },
} as const;

export interface ApiRouteOptions {
  board: ScreenBoard;
  events: EventStream;
  /** For ages (the service's clock). */
  clock: Clock;
  /** `/api/metrics` serves its stats. */
  monitor: PerformanceMonitor;
  /** The run context's breakers, by host, for `/metrics`. */
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>;
  /** The latest health report (`screen status`'s), refreshed after each refresh. */
  health(): StatusReport | undefined;
  /** With a shared store: 1 while the file store stands in for it, 0 while Redis serves; undefined without one. */
  storeFallback?: () => 0 | 1 | undefined;
}

export function addApiRoutes(app: FastifyInstance, options: ApiRouteOptions): void {
  const { board, clock, monitor } = options;
  const documents = new ServedDocumentCache();

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

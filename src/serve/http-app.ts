/**
 * The HTTP side of `screen serve` (README "Dashboard and API"): one Fastify instance, its server
 * bounded by the connection guard, then the request guards (http-guards.ts), the API
 * (routes/api-routes.ts) and the dashboard (routes/page-routes.ts), each added by its own module
 * so a route can be tested apart from the others. Not listening yet: `listen` or `inject`.
 */
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../output/logger.js';
import { guardedServer } from './connection-guard.js';
import { fastifyLogger } from './fastify-logger.js';
import { addGuards, type GuardOptions, MAX_BODY_BYTES, MAX_HEADER_BYTES } from './http-guards.js';
import { addApiRoutes, type ApiRouteOptions } from './routes/api-routes.js';
import { addPageRoutes, type PageRouteOptions } from './routes/page-routes.js';

export interface ServeAppOptions extends GuardOptions, ApiRouteOptions, PageRouteOptions {
  logger: Logger;
  /** The project logger's level, which Fastify's logger reports as its own. */
  logLevel: string;
}

export function buildServeApp(options: ServeAppOptions): FastifyInstance {
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
  addGuards(app, options);
  addApiRoutes(app, options);
  addPageRoutes(app, options);
  return app;
}

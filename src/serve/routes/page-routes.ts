/** `screen serve`'s dashboard: the page (`/`) and its assets (script, style, icon), all from qaht itself. */
import type { FastifyInstance } from 'fastify';
import type { StatusReport } from '../../output/status-report.js';
import type { BreakerStateName } from '../../resilience/circuit-breaker.js';
import type { Clock } from '../../time/clock.js';
import { DASHBOARD_ASSETS } from '../dashboard-assets.js';
import { renderDashboardPage } from '../page/dashboard-page.js';
import type { ScreenBoard } from '../screen-board.js';
import { screenViews } from '../screen-views.js';

/** Scripts, styles and icons from qaht only; data only from qaht; no frames, forms or plugins. */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface PageRouteOptions {
  board: ScreenBoard;
  clock: Clock;
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>;
  health(): StatusReport | undefined;
  /** The package version, for the page's footer. */
  version: string;
}

export function addPageRoutes(app: FastifyInstance, options: PageRouteOptions): void {
  app.get('/', async (_request, reply) => {
    const nowMs = options.clock.now();
    const page = renderDashboardPage({
      nowMs,
      screens: screenViews(options.board, nowMs),
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
}

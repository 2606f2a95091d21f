import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import { EventStream } from '../../src/serve/event-stream.js';
import { addApiRoutes } from '../../src/serve/routes/api-routes.js';
import { ScreenBoard } from '../../src/serve/screen-board.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { cryptoResult, scriptedJob } from './serve-fixtures.js';

/** A route module on an app of its own, without the guards or the page: each can be tested and reused apart. */
describe('the API routes on their own', () => {
  const apps: ReturnType<typeof Fastify>[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  function apiApp() {
    const clock = new ManualClock(Date.UTC(2026, 10, 29, 10));
    const board = new ScreenBoard([scriptedJob('crypto', cryptoResult(clock.now()), { everyMs: 60_000 })]);
    const app = Fastify();
    apps.push(app);
    addApiRoutes(app, {
      board,
      events: new EventStream(),
      clock,
      monitor: new PerformanceMonitor({ clock }),
      breakers: new Map(),
      health: () => undefined,
    });
    return { app, board };
  }

  it('answer /healthz and /readyz, and refuse a screen that is not served, with no guard in front', async () => {
    const { app } = apiApp();
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ ready: false, screens: [{ screen: 'crypto', ready: false, stale: false }] });
    expect((await app.inject('/api/signals?screen=market')).statusCode).toBe(404);
    expect((await app.inject('/')).statusCode).toBe(404);
  });
});

import type { StatusReport } from '../../src/output/status-report.js';
import { createLogger, type Logger } from '../../src/output/logger.js';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import type { CommandResult, SourceReport } from '../../src/report.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import type { ScreenJob, ScreenRefresh, ServeScreen } from '../../src/serve/screen-job.js';
import { createServeService, type ServeService } from '../../src/serve/serve-service.js';
import { stoppableClock } from '../../src/serve/stoppable-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';

/**
 * The service on its own, for tests that drive it through `inject()`: fake jobs whose refreshes
 * the test scripts (an answer, a throw, or a wait it releases), a manual clock, a real monitor
 * and breakers, and a log captured in memory.
 */

export interface ScriptedJob extends ScreenJob {
  /** Refreshes started so far. */
  readonly calls: number;
  /** The next refreshes' outcomes, in order; when empty, the last one repeats. */
  push(outcome: Outcome): void;
}

/** What one refresh does: answer with a result, throw, or wait until `release()` and then answer. */
export type Outcome = CommandResult<unknown> | Error | { gate: Promise<void>; answer: CommandResult<unknown> };

export function scriptedJob(screen: ServeScreen, first: Outcome, options: { query?: string; everyMs?: number } = {}): ScriptedJob {
  const queue: Outcome[] = [first];
  let last = first;
  let calls = 0;
  return {
    screen,
    ...(options.query === undefined ? {} : { query: options.query }),
    everyMs: options.everyMs ?? 60_000,
    get calls() {
      return calls;
    },
    push: (outcome) => void queue.push(outcome),
    async refresh(): Promise<ScreenRefresh> {
      calls += 1;
      const outcome = queue.shift() ?? last;
      last = outcome;
      if (outcome instanceof Error) throw outcome;
      if ('gate' in outcome) {
        await outcome.gate;
        return { result: outcome.answer, metrics: { refreshed: calls } };
      }
      return { result: outcome, metrics: { refreshed: calls } };
    },
  };
}

/** A gate a refresh waits at until the test opens it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export function source(
  name: string,
  status: SourceReport['status'],
  fetchedAtMs: number | null,
  extra: Partial<SourceReport> = {},
): SourceReport {
  return {
    name,
    status,
    fetchedAt: fetchedAtMs === null ? null : new Date(fetchedAtMs).toISOString(),
    ageSeconds: fetchedAtMs === null ? null : 0,
    items: fetchedAtMs === null ? 0 : 3,
    error: null,
    ...extra,
  };
}

/** A crypto row as `screenCrypto` makes it (every CONTRACT field and the extras the page uses). */
export function cryptoRow(index: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    rank: index + 1,
    id: `coin-${index + 1}`,
    symbol: `C${index + 1}`,
    name: `Coin ${index + 1}`,
    priceUsd: 1000 / (index + 1),
    change24hPct: (index % 7) - 3,
    change7dPct: (index % 5) - 2,
    volume24hUsd: 1e9 / (index + 1),
    marketCapUsd: 1e11 / (index + 1),
    score: 90 - index,
    sources: ['coingecko', 'binance'],
    change1hPct: 0.1,
    turnover: 0.01,
    sparkline7d: Array.from({ length: 24 }, (_, hour) => 100 + hour * (index % 2 === 0 ? 1 : -1)),
    flags: [],
    ...extra,
  };
}

export function cryptoResult(nowMs: number, rows = 25, sources?: SourceReport[]): CommandResult<unknown> {
  return {
    command: 'crypto',
    generatedAt: new Date(nowMs).toISOString(),
    sources: sources ?? [source('coingecko', 'fresh', nowMs), source('binance', 'fresh', nowMs), source('coincap', 'skipped', null)],
    results: Array.from({ length: rows }, (_, index) => cryptoRow(index)),
    excluded: [{ id: 'tether', reason: 'stablecoin' }],
    notes: [],
  };
}

export function newsResult(nowMs: number, stories: Array<{ title: string; url: string; source?: string }>): CommandResult<unknown> {
  return {
    command: 'news',
    generatedAt: new Date(nowMs).toISOString(),
    sources: [source('google_news', 'fresh', nowMs), source('hn', 'fresh', nowMs)],
    results: stories.map((story, index) => ({
      title: story.title,
      url: story.url,
      source: story.source ?? 'Reuters',
      publishedAt: new Date(nowMs - 3600_000).toISOString(),
      sources: ['google_news'],
      score: 50 - index,
    })),
    notes: [],
  };
}

/** A result in which every source failed: a failed refresh. */
export function failedResult(command: CommandResult<unknown>['command'], nowMs: number, error: string): CommandResult<unknown> {
  return {
    command,
    generatedAt: new Date(nowMs).toISOString(),
    sources: [source('coingecko', 'failed', null, { error }), source('binance', 'failed', null, { error })],
    results: [],
    notes: [],
  };
}

export interface TestService {
  service: ServeService;
  clock: ManualClock;
  monitor: PerformanceMonitor;
  stop: AbortController;
  log: string[];
  setHealth(report: StatusReport | undefined): void;
  close(): Promise<void>;
}

/** The service over `jobs` on a manual clock, not listening (use `service.app.inject`), schedule started. */
export function startTestService(
  jobs: readonly ScreenJob[],
  options: { token?: string; requestsPerWindow?: number; clock?: ManualClock; start?: boolean } = {},
): TestService {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 10, 29, 10, 0, 0));
  const stop = new AbortController();
  const monitor = new PerformanceMonitor({ clock });
  const log: string[] = [];
  const logger: Logger = createLogger({ level: 'info', file: undefined, stderr: { write: (line: string) => log.push(line) }, secrets: [] });
  const breaker = new CircuitBreaker({ clock, name: 'api.coingecko.com' });
  let health: StatusReport | undefined;
  const service = createServeService({
    jobs,
    signal: stop.signal,
    clock: stoppableClock(clock, stop.signal),
    monitor,
    breakers: new Map([['api.coingecko.com', breaker]]),
    health: () => health,
    token: options.token,
    ...(options.requestsPerWindow === undefined ? {} : { rateLimit: { requestsPerWindow: options.requestsPerWindow } }),
    logger,
    logLevel: 'info',
    version: '0.0.0-test',
  });
  if (options.start !== false) service.start();
  return {
    service,
    clock,
    monitor,
    stop,
    log,
    setHealth: (report) => {
      health = report;
    },
    async close() {
      stop.abort();
      await service.close();
      await service.stopped();
    },
  };
}

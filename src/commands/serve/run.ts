import { QahtError } from '../../errors.js';
import type { StatusReport } from '../../output/status-report.js';
import type { SourceReport } from '../../report.js';
import { hostAllowList } from '../../serve/host-allow-list.js';
import { type ServeService, createServeService } from '../../serve/serve-service.js';
import { stoppableClock } from '../../serve/stoppable-clock.js';
import type { LiveStreamStarter } from '../../serve/live/attach-live-feed.js';
import type { EverySpec } from '../../serve/every-spec.js';
import type { Env, SourceName } from '../../sources/source-names.js';
import type { Clock } from '../../time/clock.js';
import { packageVersion } from '../../version.js';
import type { CommandContext, InterruptSignal, Interrupts } from '../command-spec.js';
import { createRunContext, type RunContext } from '../../runtime/run-context.js';
import { Shutdown, settleStore } from '../../runtime/shutdown.js';
import { serveJobs } from './jobs.js';
import { gatherStatus } from '../status/run.js';

/** On a stop, how long refreshes in flight may take to notice (their fetches are aborted), in ms. */
const SETTLE_REFRESHES_MS = 2_000;
/** ...and how long cache writes already under way may take to land. */
const SETTLE_WRITES_MS = 1_000;

/** What `screen serve` was asked to do. */
export interface ServeOptions {
  host: string;
  /** `Host:` names a loopback-bound server answers to besides its own. */
  allowedHosts: string[];
  port: number;
  every: EverySpec;
  /** Distinct (spaces and case aside), in the order given. */
  newsQueries: string[];
  /** `SCREEN_SERVE_TOKEN`, when set. */
  token: string | undefined;
  /** Requests per client address per `CLIENT_RATE_LIMIT_DEFAULTS.windowMs`. */
  rateLimit: number;
}

/** How a serve run ended. */
export interface ServeRun {
  origin: string;
  signal: InterruptSignal;
}

/**
 * Runs the service until `interrupts` delivers SIGINT or SIGTERM: one long-lived run context (the
 * cache, breakers and limiters of every refresh; state saved after each), the schedule, and the
 * HTTP server. On the signal: stop scheduling, abort what is in flight, close every connection
 * (event streams included), save state, and return, so the CLI exits 0.
 */
export async function runServe(context: CommandContext, options: ServeOptions, interrupts: Interrupts): Promise<ServeRun> {
  let received: InterruptSignal | undefined;
  let onSignal: ((signal: InterruptSignal) => void) | undefined;
  const unsubscribe = interrupts.subscribe((signal) => {
    received ??= signal;
    onSignal?.(signal);
  });
  const stop = new AbortController();
  // Last registered, first run: the server, then the run context (state saved, fetches aborted),
  // then the refreshes still settling, then the demo's servers, then the store's writes and locks.
  const shutdown = new Shutdown();
  shutdown.add(settleStore(SETTLE_WRITES_MS));
  try {
    const { settings } = context;
    let env = context.env;
    if (settings.demo) {
      const demo = await (await import('../../demo/demo-server.js')).startDemoServer();
      shutdown.add(() => demo.close());
      env = { ...env, ...demo.env };
    }
    const clock = stoppableClock(context.clock, stop.signal);
    const session = await createRunContext({ settings, env, stderr: context.stderr, interactive: false, clock, keepTrying: true });
    let service: ServeService | undefined;
    shutdown.add(async () => service?.stopped(), SETTLE_REFRESHES_MS);
    shutdown.add(() => session.close());

    let health: StatusReport | undefined;
    const readHealth = async (): Promise<void> => {
      // The health of the store this service runs on: the shared one under --store redis://.
      health = await gatherStatus({ cacheDir: settings.cacheDir, stateDir: settings.stateDir, env, clock, store: settings.store });
    };
    const afterRefresh = recordRefresh(session, stop.signal, readHealth);
    const { jobs, leftOut } = serveJobs(session, env, { every: options.every, newsQueries: options.newsQueries }, afterRefresh);
    if (!settings.quiet) for (const line of leftOut) context.stderr.write(`note: ${line}\n`);
    if (jobs.length === 0)
      throw new QahtError('QAHT_ERR_USAGE', `nothing to serve: ${leftOut.join('; ') || 'every screen is off in --every'}`);
    await readHealth().catch(() => undefined);

    service = createServeService({
      jobs,
      signal: stop.signal,
      clock,
      monitor: session.monitor,
      breakers: session.breakers,
      health: () => health,
      token: options.token,
      hostCheck: hostAllowList(options.host, options.allowedHosts),
      storeFallback: () => (settings.store.kind !== 'redis' ? undefined : session.storeFallback() === undefined ? 0 : 1),
      rateLimit: { requestsPerWindow: options.rateLimit },
      logger: session.logger,
      logLevel: settings.logLevel,
      version: packageVersion(),
      liveStream: await liveStreamStarter(session, env, clock, stop.signal),
    });
    const listening = service;
    shutdown.add(() => listening.close());
    const origin = await listening.listen(options.host, options.port);
    // Even with --quiet: with --port 0 this line is the only way to learn the port.
    context.stderr.write(`listening on ${origin}\n`);
    if (!received) listening.start();
    if (settings.store.kind === 'redis') {
      const reconnecting = keepStoreUp(session, clock, stop.signal);
      shutdown.add(() => reconnecting);
    }
    const signal = received ?? (await new Promise<InterruptSignal>((resolve) => (onSignal = resolve)));
    session.logger.info({ signal }, 'stopping');
    return { origin, signal };
  } finally {
    stop.abort(new QahtError('QAHT_ERR_ABORTED', 'screen serve is stopping'));
    unsubscribe();
    await shutdown.run();
  }
}

/**
 * What follows each refresh, one at a time (two screens may end together): the sources' outcomes
 * go into the state's history, breaker and limiter state is saved, and the health report is read
 * back. A failure to save is logged and the refresh still counts: its answer is good. Nothing is
 * recorded once the service is stopping.
 */
function recordRefresh(
  session: RunContext,
  stopping: AbortSignal,
  readHealth: () => Promise<void>,
): (sources: SourceReport<SourceName>[]) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (sources) => {
    const next = queue.then(async () => {
      if (stopping.aborted) return;
      try {
        await session.finish({ command: 'serve', sources, metricsFile: undefined });
        await session.save();
        await readHealth();
      } catch (error) {
        session.logger.warn({ err: error }, 'could not save state after a refresh');
      }
    });
    queue = next;
    return next;
  };
}

/** The crypto screen's live prices: Binance's stream through the session's breaker for its host, stopped with the service. */
async function liveStreamStarter(session: RunContext, env: Env, clock: Clock, signal: AbortSignal): Promise<LiveStreamStarter> {
  const { startBinanceStream } = await import('../../sources/crypto/binance-stream.js');
  const { binanceStreamUrl } = await import('../../sources/crypto/binance-stream-frames.js');
  // A bad SCREEN_BINANCE_WS_URL is a usage error now, not a stream that is down forever.
  binanceStreamUrl(env);
  return (handlers) => startBinanceStream({ env, clock, breakerFor: session.breakerFor, signal, logger: session.logger, ...handlers });
}

/** How often a serve process checks its shared store, and the first retry's wait once it is down, in ms. */
const STORE_CHECK_MS = 1_000;
/** The longest wait between reconnection attempts: Redis back is used again within this and one connect. */
const STORE_RETRY_MAX_MS = 8_000;

/**
 * A serve process outlives a Redis restart: while the store is down it tries to connect again with
 * backoff (1 s doubling to 8 s), and once Redis answers its pacing, budgets, breakers and cache
 * are the fleet's again. Ends when the service stops.
 */
async function keepStoreUp(
  session: RunContext,
  clock: { sleep(ms: number, signal?: AbortSignal): Promise<void> },
  stopping: AbortSignal,
): Promise<void> {
  let waitMs = STORE_CHECK_MS;
  while (!stopping.aborted) {
    try {
      await clock.sleep(waitMs, stopping);
    } catch {
      return;
    }
    if (session.storeFallback() === undefined) {
      waitMs = STORE_CHECK_MS;
      continue;
    }
    waitMs = (await session.reconnectStore()) ? STORE_CHECK_MS : Math.min(waitMs * 2, STORE_RETRY_MAX_MS);
  }
}

import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { QahtError } from '../errors.js';
import { type ClientRateLimitOptions, ClientRateLimit } from './client-rate-limit.js';
import { EventStream } from './event-stream.js';
import { buildServeApp, type ServeAppOptions } from './http-app.js';
import { originOf } from './bind-address.js';
import { startRefreshSchedule, type RefreshSchedule } from './refresh-schedule.js';
import { ScreenBoard } from './screen-board.js';
import { jobLabel, type ScreenJob } from './screen-job.js';
import { updateEvent } from './screen-views.js';
import { attachLiveFeed, type LiveStreamStarter } from './live/attach-live-feed.js';

/** On close, how long requests under way may take to finish before their connections are cut, in ms. */
const CLOSE_GRACE_MS = 2_000;
/** Idle event streams get a comment this often, in ms, so proxies and browsers keep them open. */
const EVENT_PING_MS = 15_000;

export interface ServeServiceOptions extends Omit<ServeAppOptions, 'board' | 'events' | 'rateLimit'> {
  jobs: readonly ScreenJob[];
  /** Aborting it stops the service's schedule and pings (the same signal should stop the run context's clock). */
  signal: AbortSignal;
  /** The per-client rate limit. @default CLIENT_RATE_LIMIT_DEFAULTS */
  rateLimit?: Omit<ClientRateLimitOptions, 'clock'>;
  /** Starts the live price stream for the crypto screen; without it, prices move only with the refreshes. */
  liveStream?: LiveStreamStarter;
}

/** `screen serve` running: the board of answers, the schedule that fills it, and the HTTP app that serves it. */
export interface ServeService {
  readonly app: FastifyInstance;
  readonly board: ScreenBoard;
  readonly events: EventStream;
  /** Starts the schedule (every job refreshes now, then on its interval) and the event pings; once only. */
  start(): void;
  /** Resolves once the schedule has stopped (after the stop signal, when the refreshes in flight settle); at once if never started. */
  stopped(): Promise<void>;
  /** Refreshes in flight right now. */
  inFlight(): number;
  /**
   * Binds `host:port` (`0`: a free port) and returns the origin it serves, e.g. `http://127.0.0.1:8080`.
   * @throws QahtError QAHT_ERR_USAGE "cannot listen on …" when the address is taken or not this machine's.
   */
  listen(host: string, port: number): Promise<string>;
  /** Ends every event stream and closes the server (requests under way finish, idle connections close). */
  close(): Promise<void>;
}

/**
 * Builds the service: the board, the app and its event stream. Nothing runs until `start`. Each
 * recorded refresh is one `update` event to every `/api/events` reader; a failed one is logged at
 * `warn` and the last answer is served stale.
 */
export function createServeService(options: ServeServiceOptions): ServeService {
  const { clock, signal, logger } = options;
  const board = new ScreenBoard(options.jobs);
  const events = new EventStream();
  const rateLimit = new ClientRateLimit({ ...options.rateLimit, clock });
  const app = buildServeApp({ ...options, board, events, rateLimit });

  board.onUpdate((state) => {
    if (state.failure) {
      logger.warn(
        { screen: state.job.screen, query: state.job.query, reason: state.failure.reason },
        'refresh failed; serving the last answer',
      );
    } else {
      logger.info({ screen: state.job.screen, query: state.job.query }, 'refreshed');
    }
    events.send('update', updateEvent(board, state, options.health(), clock.now(), options.breakers));
  });
  let schedule: RefreshSchedule | undefined;
  let pings: Promise<void> = Promise.resolve();
  const live = options.liveStream ? attachLiveFeed({ board, events, clock, signal, start: options.liveStream }) : undefined;

  return {
    app,
    board,
    events,
    start() {
      if (schedule) return;
      schedule = startRefreshSchedule({
        jobs: options.jobs,
        clock,
        signal,
        onRefreshed: (job, outcome, atMs) => board.record(job, outcome, atMs),
        onError: (error, job) => logger.error({ err: error, job: jobLabel(job) }, 'could not record a refresh'),
      });
      pings = pingEvents(events, clock, signal);
      live?.start();
    },
    stopped: () => Promise.all([schedule?.done, pings, live?.stopped()]).then(() => undefined),
    inFlight: () => schedule?.inFlight() ?? 0,
    async listen(host, port) {
      try {
        await app.listen({ host, port });
      } catch (error) {
        throw new QahtError('QAHT_ERR_USAGE', `cannot listen on ${originOf(host, port).slice('http://'.length)}: ${listenFailure(error)}`, {
          cause: error,
        });
      }
      const address = app.server.address() as AddressInfo;
      return originOf(host, address.port);
    },
    async close() {
      events.close();
      // Requests under way may finish; past the grace, whatever is still open is cut.
      const cut = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

async function pingEvents(events: EventStream, clock: ServeServiceOptions['clock'], signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await clock.sleep(EVENT_PING_MS, signal);
    } catch {
      return;
    }
    events.ping();
  }
}

function listenFailure(error: unknown): string {
  switch ((error as { code?: unknown } | null)?.code) {
    case 'EADDRINUSE':
      return 'the address is in use';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)';
    case 'EADDRNOTAVAIL':
      return 'the address is not one of this machine';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

import type { Clock } from '../time/clock.js';
import type { RefreshOutcome } from './screen-board.js';
import type { ScreenJob } from './screen-job.js';

export interface RefreshScheduleOptions {
  jobs: readonly ScreenJob[];
  /** Every wait between refreshes is a sleep on this clock, so tests drive the schedule by hand. */
  clock: Clock;
  /** Aborting it stops the schedule: no refresh starts after it, and the waits end at once. */
  signal: AbortSignal;
  /** Called after each refresh that ended before the stop, with its outcome and end time (epoch ms). */
  onRefreshed(job: ScreenJob, outcome: RefreshOutcome, atMs: number): void;
  /** A throw from `onRefreshed` (a bug), so it is logged instead of ending the job's loop. */
  onError(error: unknown, job: ScreenJob): void;
}

/** A running schedule. */
export interface RefreshSchedule {
  /** Resolves once every job's loop has ended (after the stop signal, when its refresh in flight settles). */
  readonly done: Promise<void>;
  /** How many refreshes are running right now. */
  inFlight(): number;
}

/**
 * Refreshes every job at once, then each again `everyMs` after its previous refresh started (or
 * as soon as it ends, when it took longer): one loop per job, so a slow news source never delays
 * crypto, and a job never overlaps itself. When the refresh fetched data, the interval counts
 * from the newest fetch instead: an interval equal to a source's cache TTL (crypto's 60 s) then
 * finds the entry due, rather than a few hundred ms short of it and served from the cache, which
 * would halve the refresh rate. Outcomes that arrive after the stop are dropped: the service is
 * shutting down and records nothing more.
 */
export function startRefreshSchedule(options: RefreshScheduleOptions): RefreshSchedule {
  const { clock, signal } = options;
  let running = 0;
  const loop = async (job: ScreenJob): Promise<void> => {
    while (!signal.aborted) {
      const startedAt = clock.now();
      running += 1;
      let outcome: RefreshOutcome;
      try {
        outcome = { refresh: await job.refresh() };
      } catch (error) {
        outcome = { error };
      } finally {
        running -= 1;
      }
      if (signal.aborted) return;
      try {
        options.onRefreshed(job, outcome, clock.now());
      } catch (error) {
        options.onError(error, job);
      }
      const countFrom = Math.max(startedAt, Math.min(newestFetch(outcome), clock.now()));
      const waitMs = countFrom + job.everyMs - clock.now();
      if (waitMs <= 0) continue;
      try {
        await clock.sleep(waitMs, signal);
      } catch {
        return;
      }
    }
  };
  const done = Promise.all(options.jobs.map((job) => loop(job))).then(() => undefined);
  return { done, inFlight: () => running };
}

/** Epoch ms of the newest data a refresh fetched (`fresh` sources); -Infinity when it fetched none. */
function newestFetch(outcome: RefreshOutcome): number {
  if ('error' in outcome) return -Infinity;
  let newest = -Infinity;
  for (const source of outcome.refresh.result.sources) {
    if (source.status !== 'fresh' || source.fetchedAt === null) continue;
    const at = Date.parse(source.fetchedAt);
    if (Number.isFinite(at) && at > newest) newest = at;
  }
  return newest;
}

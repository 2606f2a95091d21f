/**
 * 5. The breaker during an outage: a host answers 503 for 60 s while cron runs start every 5 s.
 * Each simulated run is a short-lived process: it restores breaker and limiter state saved by the
 * runs before it (as run-context does through state.json), makes the one call `screen crypto`
 * makes to CoinGecko (with the client's retries), and saves the state back when it ends.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import { AdaptiveRateLimiter, type LimiterSnapshot } from '../../src/resilience/adaptive-rate-limiter.js';
import { BREAKER_FAILURE_THRESHOLD, BREAKER_RECOVERY_MS } from '../../src/resilience/breaker-defaults.js';
import { CircuitBreaker, type BreakerSnapshot } from '../../src/resilience/circuit-breaker.js';
import { DOCUMENTED_DELAY_MS } from '../../src/sources/documented-rates.js';
import { isCircuitOpenError } from '../../src/errors.js';
import { mean, progress, type BenchResult } from './bench-types.js';
import { SimClock, SimDriver } from './sim-clock.js';

const OUTAGE_MS = 60_000;
const CRON_EVERY_MS = 5_000;
/** Runs simulated: the 12 that start during the outage, then 12 more after it. */
const RUNS = 24;
const OUTAGE_RUNS = OUTAGE_MS / CRON_EVERY_MS;
/** Calls one `screen crypto` run makes to the CoinGecko host (top 250 = one page). */
const CALLS_PER_RUN = 1;
const REPETITIONS = 10;

interface RunRecord {
  startedAt: number;
  /** Simulated time from start to exit (limiter waits and retries included). */
  durationMs: number;
  calls: number;
  ok: boolean;
  rejectedByBreaker: boolean;
}

/** What `state.json` holds for the host between runs (the newest save wins, as in StateStore). */
interface SavedHost {
  breaker?: BreakerSnapshot;
  limiter?: LimiterSnapshot;
}

async function simulate(withBreaker: boolean): Promise<RunRecord[]> {
  const clock = new SimClock();
  const driver = new SimDriver(clock);
  const outageEndsAt = clock.now() + OUTAGE_MS;
  const server = createServer((req, res) => {
    req.resume();
    if (clock.now() < outageEndsAt) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"service unavailable"}');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[{"id":"bitcoin"}]');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3/coins/markets`;
  let saved: SavedHost = {};
  const records: RunRecord[] = [];

  const oneRun = async (): Promise<void> => {
    const record: RunRecord = { startedAt: clock.now(), durationMs: 0, calls: 0, ok: true, rejectedByBreaker: false };
    records.push(record);
    const monitor = new PerformanceMonitor({ clock });
    const limiter = new AdaptiveRateLimiter({
      clock,
      defaultDelayMs: DOCUMENTED_DELAY_MS.coingecko,
      ...(saved.limiter ? { initialState: saved.limiter } : {}),
    });
    const options = {
      // A naive client never opens: every run makes every call, with its retries.
      failureThreshold: withBreaker ? BREAKER_FAILURE_THRESHOLD : Number.MAX_SAFE_INTEGER,
      recoveryTimeoutMs: BREAKER_RECOVERY_MS,
      clock,
    };
    const breaker = saved.breaker ? CircuitBreaker.fromJSON(saved.breaker, options) : new CircuitBreaker(options);
    const client = new AsyncAPIClient({ clock, monitor, limiter, breakerFor: () => breaker });
    try {
      for (let call = 0; call < CALLS_PER_RUN; call++) {
        try {
          await client.fetchJson(url);
        } catch (error) {
          record.ok = false;
          if (isCircuitOpenError(error)) record.rejectedByBreaker = true;
          break; // the source failed: the run serves stale cache for it
        }
      }
    } finally {
      record.calls = monitor.getStats().counters['http.requests'] ?? 0;
      saved = { breaker: breaker.toJSON(), limiter: limiter.toJSON() };
      record.durationMs = clock.now() - record.startedAt;
      await client.close();
    }
  };

  // The cron task only launches runs (a task must never wait on other tasks, or the driver
  // would see it neither asleep nor done).
  const runs: Promise<void>[] = [];
  const cron = async (): Promise<void> => {
    for (let i = 0; i < RUNS; i++) {
      if (i > 0) await clock.sleep(CRON_EVERY_MS);
      runs.push(driver.spawn(oneRun));
    }
  };
  try {
    await driver.run(driver.spawn(cron).then(() => Promise.all(runs)));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return records;
}

interface Summary {
  outageCalls: number;
  afterCalls: number;
  failedAfterRecovery: number;
  rejected: number;
  /** Mean run time, seconds, of the runs started during / after the outage. */
  outageRunS: number;
  afterRunS: number;
}

function summarise(records: RunRecord[]): Summary {
  const first = records[0]?.startedAt ?? 0;
  const during = records.filter((r) => r.startedAt - first < OUTAGE_MS);
  const after = records.filter((r) => r.startedAt - first >= OUTAGE_MS);
  return {
    outageCalls: during.reduce((sum, r) => sum + r.calls, 0),
    afterCalls: after.reduce((sum, r) => sum + r.calls, 0),
    failedAfterRecovery: after.filter((r) => !r.ok).length,
    rejected: records.filter((r) => r.rejectedByBreaker).length,
    outageRunS: mean(during.map((r) => r.durationMs)) / 1000,
    afterRunS: mean(after.map((r) => r.durationMs)) / 1000,
  };
}

export async function benchBreakerOutage(): Promise<BenchResult> {
  const breaker: Summary[] = [];
  const naive: Summary[] = [];
  for (let rep = 0; rep < REPETITIONS; rep++) {
    breaker.push(summarise(await simulate(true)));
    naive.push(summarise(await simulate(false)));
  }
  const avg = (list: Summary[], key: keyof Summary): number => mean(list.map((s) => s[key]));
  const range = (list: Summary[], key: keyof Summary): string => {
    const values = list.map((s) => s[key]);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  };
  const withB = avg(breaker, 'outageCalls');
  const without = avg(naive, 'outageCalls');
  progress(
    `breaker outage: breaker ${breaker.map((s) => s.outageCalls).join(',')} calls, naive ${naive.map((s) => s.outageCalls).join(',')}`,
  );
  return {
    id: '5',
    title: 'Breaker during an outage',
    rows: [
      {
        benchmark: '5a calls to a host down 60 s, cron every 5 s',
        measured: `${withB.toFixed(1)} calls (${range(breaker, 'outageCalls')})`,
        baseline: `${without.toFixed(1)} naive (${range(naive, 'outageCalls')})`,
        ratio: withB / without,
        target: 'info',
        pass: null,
        values: {
          breakerCalls: withB,
          naiveCalls: without,
          callsSaved: without - withB,
          runsDuringOutage: OUTAGE_RUNS,
          repetitions: REPETITIONS,
        },
      },
      {
        benchmark: '5b runs failed after the host came back',
        measured: `${avg(breaker, 'failedAfterRecovery').toFixed(1)} of ${RUNS - OUTAGE_RUNS} runs (${range(breaker, 'failedAfterRecovery')})`,
        baseline: `${avg(naive, 'failedAfterRecovery').toFixed(1)} naive`,
        ratio: null,
        target: 'info',
        pass: null,
        values: {
          breakerFailedAfter: avg(breaker, 'failedAfterRecovery'),
          naiveFailedAfter: avg(naive, 'failedAfterRecovery'),
          breakerCallsAfter: avg(breaker, 'afterCalls'),
          naiveCallsAfter: avg(naive, 'afterCalls'),
          breakerRejectedRuns: avg(breaker, 'rejected'),
        },
      },
      {
        benchmark: '5c mean run time, runs started in the outage',
        measured: `${avg(breaker, 'outageRunS').toFixed(1)} s`,
        baseline: `${avg(naive, 'outageRunS').toFixed(1)} s naive`,
        ratio: avg(breaker, 'outageRunS') / avg(naive, 'outageRunS'),
        target: 'info',
        pass: null,
        values: { breakerOutageRunS: avg(breaker, 'outageRunS'), naiveOutageRunS: avg(naive, 'outageRunS') },
      },
      {
        benchmark: '5d mean run time, runs started after it',
        measured: `${avg(breaker, 'afterRunS').toFixed(1)} s`,
        baseline: `${avg(naive, 'afterRunS').toFixed(1)} s naive`,
        ratio: avg(breaker, 'afterRunS') / avg(naive, 'afterRunS'),
        target: 'info',
        pass: null,
        values: { breakerAfterRunS: avg(breaker, 'afterRunS'), naiveAfterRunS: avg(naive, 'afterRunS') },
      },
    ],
    notes: [
      `5: ${OUTAGE_RUNS} cron runs start during a 60 s outage (HTTP 503), one every 5 s, then ${RUNS - OUTAGE_RUNS} more after it; simulated time. Each run restores the breaker (threshold ${BREAKER_FAILURE_THRESHOLD}, recovery ${BREAKER_RECOVERY_MS / 1000} s) and the limiter (CoinGecko's documented ${DOCUMENTED_DELAY_MS.coingecko} ms start) from what the last finished run saved, ` +
        `makes the ${CALLS_PER_RUN} call screen crypto makes to CoinGecko through the real AsyncAPIClient (3 retries, 2/4/8 s backoff with full jitter) and saves the state at its end. ` +
        `Runs overlap while one is still retrying, so a run can start before the breaker state of the previous one is saved, as with real cron. Naive = the same client with a breaker that never opens.`,
      `5a: calls made by the runs that started during the outage, mean (range) over ${REPETITIONS} repetitions; saved ${(without - withB).toFixed(1)} calls (${((1 - withB / without) * 100).toFixed(0)}%). ` +
        `5b: the price of the breaker: runs after the outage that failed fast (stale cache) because the breaker had not yet let a probe through (overlapping runs each open their own copy, and the last one saved carries the latest openedAt, so it stays open until 60 s after that). ` +
        `5c/5d: simulated seconds from a run's start to its exit. Each 5xx also multiplies the persisted limiter delay by 1.5, so after the outage a run waits up to that learned delay before its single call; the delay shrinks only 10% per 10 successes.`,
    ],
  };
}

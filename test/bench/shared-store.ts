/**
 * 9. The shared store (issue 16):
 * a. three processes (each its own client and limiter, as three machines would have) pacing one
 *    host through the schedule they share in Redis, against a token bucket of 20 req/s (burst 5):
 *    the steady rate the bucket accepted, against the rate it allows, and the share of 429s; the
 *    same three without the shared store show what sharing prevents;
 * b. the store's added cost per request on loopback: 2,000 sequential GETs to a loopback server
 *    through the client with the shared pacer and breaker, against the in-process ones.
 * A private redis-server (persistence off) is started for the bench and stopped after it.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { SharedBreaker } from '../../src/fleet/shared-breaker.js';
import { SharedPacer } from '../../src/fleet/shared-pacer.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { SHARED_BREAKER_RULES } from '../../src/resilience/breaker-defaults.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { PendingWrites } from '../../src/store/pending-writes.js';
import { RedisConnection } from '../../src/store/redis/redis-connection.js';
import { RedisBreakers, RedisPacing } from '../../src/store/redis/redis-host-state.js';
import { systemClock } from '../../src/time/clock.js';
import { REDIS_SERVER_BIN, startRedisServer } from '../helpers/redis-server.js';
import { pct, progress, type BenchResult, type BenchRow } from './bench-types.js';
import { startTokenBucketServer } from './token-bucket-server.js';

const CHILD = fileURLToPath(new URL('./shared-store-child.ts', import.meta.url));
const RATE_PER_S = 20;
const BURST = 5;
const PROCESSES = 3;
const SHARED_MS = 10_000;
const LOCAL_MS = 4_000;
const COST_REQUESTS = 2_000;

function runChild(args: string[]): Promise<{ sent: number; failed: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`shared store child exited with ${String(code)}`)),
    );
  });
}

/** Three processes against one bucket; the steady accepted rate (first to last 200) and the 429 share. */
async function fleetRun(
  mode: 'shared' | 'local',
  redisUrl: string,
  durationMs: number,
): Promise<{ ratio: number; share429: number; ok: number; limited: number }> {
  const bucket = await startTokenBucketServer({ ratePerS: RATE_PER_S, burst: BURST, sendHeaders: false, clock: systemClock });
  try {
    await Promise.all(
      Array.from({ length: PROCESSES }, () => runChild([mode, redisUrl, bucket.url, String(1000 / RATE_PER_S), String(durationMs)])),
    );
    const arrivals = bucket.counts.okArrivals;
    // Past the bucket's burst: the rate it sustains.
    const steady = arrivals.slice(BURST);
    const achieved = steady.length > 1 ? (steady.length - 1) / ((steady.at(-1)! - steady[0]!) / 1000) : 0;
    const { ok, limited } = bucket.counts;
    return { ratio: achieved / RATE_PER_S, share429: limited / Math.max(1, ok + limited), ok, limited };
  } finally {
    await bucket.close();
  }
}

/** Mean ms per sequential GET to a loopback server, with the shared pacer and breaker or the in-process ones. */
async function perRequestMs(connection: RedisConnection | undefined): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const host = new URL(url).host;
  const local = new AdaptiveRateLimiter({ clock: systemClock });
  local.configureHost(host, { documentedDelayMs: 0 });
  const writes = new PendingWrites();
  const client = new AsyncAPIClient({
    clock: systemClock,
    maxConnections: 1,
    limiter: connection ? new SharedPacer({ port: new RedisPacing(connection), local, clock: systemClock, maxWaitMs: 120_000 }) : local,
    breakerFor: (name) =>
      connection
        ? new SharedBreaker({
            host: name,
            port: new RedisBreakers(connection),
            rules: SHARED_BREAKER_RULES,
            clock: connection.clock,
            writes,
            local: (snapshot) => new CircuitBreaker({ initialState: snapshot }),
          })
        : new CircuitBreaker({ clock: systemClock }),
  });
  try {
    for (let i = 0; i < 200; i++) await client.fetchJson(`${url}/warm/${i}`);
    const started = performance.now();
    for (let i = 0; i < COST_REQUESTS; i++) await client.fetchJson(`${url}/items/${i}`);
    return (performance.now() - started) / COST_REQUESTS;
  } finally {
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function benchSharedStore(): Promise<BenchResult> {
  if (!REDIS_SERVER_BIN) {
    return {
      id: '9',
      title: 'Shared store',
      rows: [
        {
          benchmark: '9 shared store',
          measured: 'skipped: redis-server is not installed',
          baseline: '—',
          ratio: null,
          target: '—',
          pass: null,
        },
      ],
      notes: [],
    };
  }
  const redis = await startRedisServer();
  try {
    const shared = await fleetRun('shared', redis.url, SHARED_MS);
    progress(`shared: ${shared.ratio.toFixed(3)} of the allowed rate, ${shared.limited} 429s`);
    const alone = await fleetRun('local', redis.url, LOCAL_MS);
    progress(`alone: ${alone.ratio.toFixed(3)} of the allowed rate, ${alone.limited} 429s`);
    const connection = await RedisConnection.open({
      location: { kind: 'redis', url: redis.url, safeUrl: redis.url, prefix: 'bench-cost:' },
    });
    let inProcess: number;
    let withStore: number;
    try {
      inProcess = await perRequestMs(undefined);
      withStore = await perRequestMs(connection);
      // Again, alternating, so drift on a shared machine does not favour either.
      inProcess = (inProcess + (await perRequestMs(undefined))) / 2;
      withStore = (withStore + (await perRequestMs(connection))) / 2;
    } finally {
      await connection.close();
    }
    const addedMs = withStore - inProcess;
    progress(`per request: ${withStore.toFixed(3)} ms with the store, ${inProcess.toFixed(3)} ms without`);
    const rows: BenchRow[] = [
      {
        benchmark: `9a ${PROCESSES} processes, one shared schedule, ${RATE_PER_S}/s bucket`,
        measured: `${(shared.ratio * RATE_PER_S).toFixed(1)} req/s, ${pct(shared.share429)} 429s`,
        baseline: `${RATE_PER_S} req/s allowed`,
        ratio: shared.ratio,
        target: '≥ 0.95, ≤ 1% 429',
        pass: shared.ratio >= 0.95 && shared.share429 <= 0.01,
        values: { ...shared },
      },
      {
        benchmark: `9a ${PROCESSES} processes, each pacing alone`,
        measured: `${(alone.ratio * RATE_PER_S).toFixed(1)} req/s, ${pct(alone.share429)} 429s`,
        baseline: `${RATE_PER_S} req/s allowed`,
        ratio: alone.ratio,
        target: 'info',
        pass: null,
        values: { ...alone },
      },
      {
        benchmark: '9b store cost per request (loopback)',
        measured: `${addedMs.toFixed(3)} ms added (${withStore.toFixed(3)} ms per GET)`,
        baseline: `${inProcess.toFixed(3)} ms per GET, in-process pacer and breaker`,
        ratio: withStore / inProcess,
        target: 'added < 1 ms',
        pass: addedMs < 1,
        values: { addedMs, withStoreMs: withStore, inProcessMs: inProcess },
      },
    ];
    return {
      id: '9',
      title: 'Shared store',
      rows,
      notes: [
        `9a: ${PROCESSES} child processes, two requests in flight each, ${SHARED_MS / 1000} s shared / ${LOCAL_MS / 1000} s alone, documented delay 50 ms (paced at 52 ms with the arrival margin); rate = accepted requests after the burst / time from the first to the last of them.`,
        `9b: ${COST_REQUESTS} sequential GETs after 200 warm-up ones, twice each, alternating; the shared path reserves a slot, admits through the breaker and lands the pace it learned, each a round trip to Redis on loopback.`,
      ],
    };
  } finally {
    await redis.stop();
  }
}

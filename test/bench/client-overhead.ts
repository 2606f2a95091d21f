/**
 * 3. Client overhead: requests per second through `AsyncAPIClient.fetchJson` (breaker, limiter at
 * zero delay, monitor) against bare `undici.request` on the same keep-alive loopback server.
 */
import { Agent, request } from 'undici';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { check, median, progress, type BenchResult } from './bench-types.js';
import { startServerChild } from './server-handle.js';

const CONCURRENCY = 16;
const BODY_BYTES = 1024;
const WARMUP_MS = 600;
const ROUND_MS = 1200;
const PAIRS = 6;

/** Runs `CONCURRENCY` loops of `fetchOne` for `durationMs`; resolves the requests completed. */
async function hammer(fetchOne: (i: number) => Promise<unknown>, durationMs: number): Promise<{ requests: number; elapsedMs: number }> {
  const started = performance.now();
  const deadline = started + durationMs;
  let requests = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; performance.now() < deadline; i += CONCURRENCY) {
        await fetchOne(i);
        requests += 1;
      }
    }),
  );
  return { requests, elapsedMs: performance.now() - started };
}

export async function benchClientOverhead(): Promise<BenchResult> {
  const server = await startServerChild({ hosts: ['127.0.0.1'], latencyMs: 0, bodyBytes: BODY_BYTES });
  const origin = server.origins[0] as string;
  const agent = new Agent({ connections: CONCURRENCY });
  const monitor = new PerformanceMonitor();
  const client = new AsyncAPIClient({ maxConnections: CONCURRENCY, limiter: new AdaptiveRateLimiter({ defaultDelayMs: 0 }), monitor });
  const bare = async (i: number): Promise<unknown> => {
    const res = await request(`${origin}/items/${i % 1000}`, { dispatcher: agent, headers: { accept: 'application/json' } });
    if (res.statusCode !== 200) throw new Error(`bare request got HTTP ${res.statusCode}`);
    return JSON.parse(await res.body.text()) as unknown;
  };
  const viaClient = (i: number): Promise<unknown> => client.fetchJson(`${origin}/items/${i % 1000}`);
  try {
    await hammer(bare, WARMUP_MS);
    await hammer(viaClient, WARMUP_MS);
    const bareRounds: number[] = [];
    const clientRounds: number[] = [];
    const pairRatios: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      // Adjacent rounds form a pair, and which goes first alternates, so that a noisy neighbour
      // (other processes on a shared machine) hurts both sides of a pair alike.
      const rps = { bare: 0, client: 0 };
      const order = pair % 2 === 0 ? (['bare', 'client'] as const) : (['client', 'bare'] as const);
      for (const which of order) {
        const r = await hammer(which === 'bare' ? bare : viaClient, ROUND_MS);
        rps[which] = r.requests / (r.elapsedMs / 1000);
      }
      bareRounds.push(rps.bare);
      clientRounds.push(rps.client);
      pairRatios.push(rps.client / rps.bare);
    }
    const bareRps = median(bareRounds);
    const clientRps = median(clientRounds);
    const ratio = median(pairRatios);
    const stats = monitor.getStats();
    progress(`client overhead: pair ratios ${pairRatios.map((r) => r.toFixed(2)).join(', ')}`);
    return {
      id: '3',
      title: 'Client overhead',
      rows: [
        {
          benchmark: '3 AsyncAPIClient req/s vs bare undici',
          measured: `${clientRps.toFixed(0)} req/s`,
          baseline: `${bareRps.toFixed(0)} req/s bare`,
          ratio,
          ...check(ratio, 'min', 0.8),
          values: {
            clientRpsMedian: clientRps,
            bareRpsMedian: bareRps,
            pairRatios: pairRatios.map((r) => r.toFixed(3)).join(','),
            concurrency: CONCURRENCY,
            bodyBytes: BODY_BYTES,
            roundMs: ROUND_MS,
            pairs: PAIRS,
            monitorRequests: stats.counters['http.requests'] ?? 0,
          },
        },
      ],
      notes: [
        `3: one keep-alive server in a separate process answering a ~${BODY_BYTES} B JSON array at once; ${CONCURRENCY} requests in flight on both sides (pool of ${CONCURRENCY} connections each). ` +
          `Bare = undici.request + body.text() + JSON.parse; client = fetchJson (retry wrapper, breaker, limiter at 0 ms, monitor timing, rate-limit header parsing, size cap). ` +
          `${PAIRS} pairs of back-to-back ${ROUND_MS / 1000} s rounds (order alternating) after a warm-up; ratio = median of the per-pair ratios, req/s = medians of the rounds.`,
      ],
    };
  } finally {
    await client.close();
    await agent.close();
    await server.close();
  }
}

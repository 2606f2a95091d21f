/**
 * 2. Concurrency: `fetchBatch` of 200 URLs over 4 loopback hosts with 100 ms of server latency,
 * against the ideal (one latency per wave) and against fetching one URL after another.
 */
import { Agent, request } from 'undici';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { CLIENT_DEFAULTS } from '../../src/http/client-options.js';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { check, median, ms, progress, type BenchResult } from './bench-types.js';
import { startServerChild } from './server-handle.js';

const URLS = 200;
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const LATENCY_MS = 100;
const ROUNDS = 5;
const SEQUENTIAL_SAMPLE = 10;

function newClient(): AsyncAPIClient {
  // The limiter at zero delay: this measures concurrency, not pacing.
  return new AsyncAPIClient({ limiter: new AdaptiveRateLimiter({ defaultDelayMs: 0 }), monitor: new PerformanceMonitor() });
}

/** The same batch over bare undici: a fresh pool (cold connections), every body parsed. */
async function bareBatch(urls: readonly string[], connections: number): Promise<number> {
  const agent = new Agent({ connections });
  const started = performance.now();
  await Promise.all(urls.map(async (url) => JSON.parse(await (await request(url, { dispatcher: agent })).body.text()) as unknown));
  const elapsed = performance.now() - started;
  await agent.close();
  return elapsed;
}

export async function benchConcurrency(): Promise<BenchResult> {
  const servers = await startServerChild({ hosts: HOSTS, latencyMs: LATENCY_MS, bodyBytes: 512 });
  try {
    const urls = Array.from({ length: URLS }, (_, i) => `${servers.origins[i % servers.origins.length]}/items/${i}`);
    const maxConnections = CLIENT_DEFAULTS.maxConnections;
    const perHost = Math.ceil(URLS / HOSTS.length);
    const waves = Math.ceil(perHost / maxConnections);
    const idealMs = waves * LATENCY_MS;

    const batchMs: number[] = [];
    const warmMs: number[] = [];
    const bareMs: number[] = [];
    // Round 0 warms the JIT; bare and client batches alternate so that noise hits both.
    for (let round = 0; round <= ROUNDS; round++) {
      const bare = await bareBatch(urls, maxConnections);
      const client = newClient();
      const started = performance.now();
      const results = await client.fetchBatch(urls);
      const elapsed = performance.now() - started;
      // The same batch again on the now-open connections.
      const again = performance.now();
      const second = await client.fetchBatch(urls);
      const warmElapsed = performance.now() - again;
      await client.close();
      const failed = [...results, ...second].filter((r) => !r.ok).length;
      if (failed > 0) throw new Error(`${failed} of ${2 * URLS} batch requests failed`);
      if (round > 0) {
        batchMs.push(elapsed);
        warmMs.push(warmElapsed);
        bareMs.push(bare);
      }
    }
    const batch = median(batchMs);
    const warmBatch = median(warmMs);
    const bareBatchMs = median(bareMs);
    progress(
      `concurrency: batch rounds ${batchMs.map((v) => v.toFixed(0)).join(', ')} ms, warm ${warmMs.map((v) => v.toFixed(0)).join(', ')} ms, bare ${bareMs.map((v) => v.toFixed(0)).join(', ')} ms (ideal ${idealMs} ms)`,
    );

    const client = newClient();
    const started = performance.now();
    for (const url of urls.slice(0, SEQUENTIAL_SAMPLE)) await client.fetchJson(url);
    const sampleMs = performance.now() - started;
    await client.close();
    const sequentialMs = (sampleMs / SEQUENTIAL_SAMPLE) * URLS;

    const vsIdeal = batch / idealMs;
    return {
      id: '2',
      title: 'Concurrency',
      rows: [
        {
          benchmark: '2a fetchBatch 200 urls / 4 hosts vs ideal',
          measured: ms(batch),
          baseline: `${ms(idealMs)} ideal (${waves} wave${waves === 1 ? '' : 's'})`,
          ratio: vsIdeal,
          ...check(vsIdeal, 'max', 1.5),
          values: {
            batchMsMedian: batch,
            idealMs,
            waves,
            maxConnectionsPerHost: maxConnections,
            rounds: ROUNDS,
            batchMsAll: batchMs.map((v) => v.toFixed(1)).join(','),
          },
        },
        {
          benchmark: "2a' same batch, connections already open",
          measured: ms(warmBatch),
          baseline: `${ms(idealMs)} ideal`,
          ratio: warmBatch / idealMs,
          target: 'info',
          pass: null,
          values: { warmBatchMsMedian: warmBatch, warmMsAll: warmMs.map((v) => v.toFixed(1)).join(',') },
        },
        {
          benchmark: '2b fetchBatch vs bare undici batch',
          measured: ms(batch),
          baseline: `${ms(bareBatchMs)} bare undici`,
          ratio: batch / bareBatchMs,
          target: 'info',
          pass: null,
          values: { bareBatchMsMedian: bareBatchMs, bareMsAll: bareMs.map((v) => v.toFixed(1)).join(',') },
        },
        {
          benchmark: '2c fetchBatch vs sequential',
          measured: ms(batch),
          baseline: `${ms(sequentialMs)} sequential (est.)`,
          ratio: batch / sequentialMs,
          target: 'info',
          pass: null,
          values: {
            sequentialMsEstimated: sequentialMs,
            sequentialSample: SEQUENTIAL_SAMPLE,
            sequentialSampleMs: sampleMs,
            speedup: sequentialMs / batch,
          },
        },
      ],
      notes: [
        `2: one server per address (${HOSTS.join(', ')}) in a separate process, ${LATENCY_MS} ms before each response, ~512 B JSON. ` +
          `The client's pool allows ${maxConnections} connections per host, so ${perHost} urls per host make ${waves} wave(s): ideal = ${waves} × ${LATENCY_MS} ms. ` +
          `Median of ${ROUNDS} rounds, each with a fresh client (cold connections, as in a CLI run; that row carries the verdict), after one warm-up round; ` +
          `2a' repeats each round's batch on the same client, its connections already open.`,
        `2b: the same 200 urls with Promise.all over bare undici.request (fresh Agent with the same connections per host, JSON.parse of each body): what this machine manages with no client at all: whatever part of 2a's distance from the ideal bare undici shows as well belongs to the machine (connection set-up, 200 requests handled on one thread, two shared cores), not to the client.`,
        `2c: sequential time measured on ${SEQUENTIAL_SAMPLE} urls one after another (${ms(sampleMs)}) and extrapolated to ${URLS}; the batch is ${(sequentialMs / batch).toFixed(0)}× faster.`,
      ],
    };
  } finally {
    await servers.close();
  }
}

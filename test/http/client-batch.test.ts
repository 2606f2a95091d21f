import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';

const LATENCY_MS = 100;
const PACE_MS = 20;
let fast: FakeApi;
let paced: FakeApi;
let client: AsyncAPIClient | undefined;

beforeAll(async () => {
  fast = await startFakeApi();
  paced = await startFakeApi({ host: '127.0.0.2' });
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  fast.reset();
  paced.reset();
});
afterAll(async () => {
  await fast.close();
  await paced.close();
});

const itemRoute = (api: FakeApi, latencyMs: number): void => {
  api.route('GET', '/item', (_req, url) => ({ id: Number(url.searchParams.get('id')) }), { latencyMs });
};
const now = (): number => performance.timeOrigin + performance.now();

/**
 * The limiter's promise, checked on the server's clock: the i-th request to the paced host
 * arrives no earlier than i delays after the batch started (2 ms slack for the limiter's
 * whole-millisecond Date.now). Arrival jitter can only make requests later, never earlier.
 */
function expectPaced(api: FakeApi, start: number, count: number): void {
  const arrivals = api.requests.map((r) => r.at).sort((a, b) => a - b);
  expect(arrivals).toHaveLength(count);
  for (const [i, at] of arrivals.entries()) expect(at - start, `request #${i}`).toBeGreaterThanOrEqual(i * PACE_MS - 2);
  // Paced, not serialised behind each other's latency: the mean gap stays near the delay.
  const meanGap = ((arrivals.at(-1) as number) - (arrivals[0] as number)) / (count - 1);
  expect(meanGap).toBeLessThan(PACE_MS * 3);
}

const urlsFor = (api: FakeApi, n: number): string[] => Array.from({ length: n }, (_, i) => `${api.url}/item?id=${i}`);

describe('AsyncAPIClient.fetchBatch', () => {
  it('runs 100 requests of 100 ms at once: done in about one latency, results in input order', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    // Warm-up without latency: opens the pool's sockets and JITs the path, so the timed batch
    // measures concurrency rather than 100 TCP handshakes on a busy machine.
    itemRoute(fast, 0);
    await client.fetchBatch(urlsFor(fast, 100));
    fast.reset();
    itemRoute(fast, LATENCY_MS);
    const start = performance.now();
    const results = await client.fetchBatch(urlsFor(fast, 100));
    const elapsed = performance.now() - start;

    expect(elapsed).toBeLessThan(5 * LATENCY_MS);
    expect(results).toHaveLength(100);
    expect(results.map((r) => (r.ok ? (r.value as { id: number }).id : -1))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const arrivals = fast.requests.map((r) => r.at);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(LATENCY_MS);
  });

  it('paces the same 100 URLs on one host by its limiter delay', async () => {
    const limiter = new AdaptiveRateLimiter({ defaultDelayMs: 0 });
    limiter.configureHost(paced.host, { defaultDelayMs: PACE_MS, minDelayMs: PACE_MS });
    client = new AsyncAPIClient({ limiter, maxRetries: 0 });
    itemRoute(paced, LATENCY_MS);
    const start = now();
    const results = await client.fetchBatch(urlsFor(paced, 100));

    expect(results.every((r) => r.ok)).toBe(true);
    expectPaced(paced, start, 100);
  });

  it('runs different hosts in parallel while one of them is paced', async () => {
    const limiter = new AdaptiveRateLimiter({ defaultDelayMs: 0 });
    limiter.configureHost(paced.host, { defaultDelayMs: PACE_MS, minDelayMs: PACE_MS });
    client = new AsyncAPIClient({ limiter, maxRetries: 0 });
    itemRoute(fast, LATENCY_MS);
    itemRoute(paced, 0);
    const urls = [...urlsFor(paced, 10), ...urlsFor(fast, 30)];
    const start = now();
    const results = await client.fetchBatch(urls);

    expect(results.every((r) => r.ok)).toBe(true);
    const fastArrivals = fast.requests.map((r) => r.at);
    expect(Math.max(...fastArrivals) - Math.min(...fastArrivals)).toBeLessThan(LATENCY_MS);
    expectPaced(paced, start, 10);
  });

  it('reports failures in place without failing the batch', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    fast.route('GET', '/ok', { json: 'fine' });
    fast.fault('/bad', 'malformed-json');
    fast.fault('/gone', { status: 404 });
    const results = await client.fetchBatch([`${fast.url}/ok`, `${fast.url}/bad`, 'not a url', `${fast.url}/gone`, `${fast.url}/ok`]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'QAHT_ERR_INVALID_DATA',
      'QAHT_ERR_USAGE',
      'QAHT_ERR_HTTP_STATUS',
      'ok',
    ]);
  });
});

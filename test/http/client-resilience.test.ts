import { describe, expect, it } from 'vitest';
import { isCircuitOpenError, type QahtError } from '../../src/errors.js';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { useFakeApi } from './use-fake-api.js';
import { driveClock } from '../helpers/drive-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { waitUntil } from './wait-until.js';

let api: FakeApi;
let client: AsyncAPIClient | undefined;

useFakeApi(
  (started) => (api = started),
  async () => {
    await client?.close();
    client = undefined;
  },
);

const blockedUntil = (limiter: Pick<AdaptiveRateLimiter, 'toJSON'>, host: string): number => limiter.toJSON()[host]?.blockedUntil ?? 0;

describe('AsyncAPIClient resilience chain', () => {
  it('honours Retry-After: no request reaches the host before it has passed', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const monitor = new PerformanceMonitor({ clock });
    client = new AsyncAPIClient({ clock, monitor, maxRetries: 2, timeoutMs: 2_000 });
    api.route('GET', '/a', { json: { ok: 'a' } }).route('GET', '/b', { json: { ok: 'b' } });
    api.fault('/a', { status: 429, retryAfter: '2' }, { times: 1 });

    const first = client.fetchJson(`${api.url}/a`);
    await waitUntil(() => api.requestCount() === 1 && clock.pendingSleeps === 1, 2_000, 'the 429 and the retry wait');
    expect(blockedUntil(client.limiter, api.host)).toBe(start + 2_000);

    // Another request to the same host meanwhile queues behind the block.
    const second = client.fetchJson(`${api.url}/b`);
    await waitUntil(() => clock.pendingSleeps === 2, 2_000, 'the second request to wait on the limiter');
    await clock.advance(1_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.requestCount()).toBe(1);

    await clock.advance(1);
    await expect(first).resolves.toEqual({ ok: 'a' });
    await expect(second).resolves.toEqual({ ok: 'b' });
    expect(api.requestCount()).toBe(3);
    expect(monitor.getStats().counters).toMatchObject({ 'http.requests': 3, 'http.retries': 1, 'http.429': 1 });
  });

  it('honours an HTTP-date Retry-After the same way', async () => {
    const clock = new ManualClock();
    client = new AsyncAPIClient({ clock, maxRetries: 0 });
    api.fault('/d', { status: 429, retryAfter: new Date(clock.now() + 30_000).toUTCString() }, { times: 1 });
    await expect(client.fetchJson(`${api.url}/d`)).rejects.toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED', retryAfterMs: 30_000 });
    expect(blockedUntil(client.limiter, api.host)).toBe(clock.now() + 30_000);
  });

  it('feeds 429s to the limiter: the delay doubles with each one', async () => {
    const limiter = new AdaptiveRateLimiter({ defaultDelayMs: 5 });
    client = new AsyncAPIClient({ limiter, maxRetries: 0 });
    api.fault('/r', { status: 429 }, { times: 2 });
    api.route('GET', '/r', { json: 1 });
    await expect(client.fetchJson(`${api.url}/r`)).rejects.toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED' });
    expect(limiter.delayMs(api.host)).toBe(10);
    await expect(client.fetchJson(`${api.url}/r`)).rejects.toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED' });
    expect(limiter.delayMs(api.host)).toBe(20);
    await expect(client.fetchJson(`${api.url}/r`)).resolves.toBe(1);
    expect(limiter.delayMs(api.host)).toBe(20);
  });

  it('backs the limiter off on 5xx (x1.5)', async () => {
    const limiter = new AdaptiveRateLimiter({ defaultDelayMs: 10 });
    client = new AsyncAPIClient({ limiter, maxRetries: 0 });
    api.fault('/e', { status: 502 }, { times: 1 });
    await expect(client.fetchJson(`${api.url}/e`)).rejects.toMatchObject({ status: 502 });
    expect(limiter.delayMs(api.host)).toBe(15);
  });

  it('opens the breaker at the threshold; further calls never reach the server', async () => {
    const clock = new ManualClock();
    const monitor = new PerformanceMonitor({ clock });
    client = new AsyncAPIClient({
      clock,
      monitor,
      maxRetries: 0,
      breakerFor: () => new CircuitBreaker({ failureThreshold: 3, recoveryTimeoutMs: 60_000, clock }),
    });
    api.route('GET', '/x', { json: 'up' });
    api.fault('/x', { status: 503 }, { times: 3 });
    for (let i = 0; i < 3; i++) await expect(client.fetchJson(`${api.url}/x`)).rejects.toMatchObject({ status: 503 });
    expect(client.breakers.get(api.host)?.state).toBe('OPEN');

    for (let i = 0; i < 5; i++) {
      const error = (await client.fetchJson(`${api.url}/x`).catch((e: unknown) => e)) as QahtError;
      expect(isCircuitOpenError(error)).toBe(true);
      expect(error.url).toBe(`${api.url}/x`);
      expect(error.retryAfterMs).toBe(60_000);
    }
    expect(api.requestCount('/x')).toBe(3);
    expect(monitor.getStats().counters['http.breaker_rejected']).toBe(5);
    expect(monitor.getStats().errors[`http.${api.host}`]).toBe(3);

    // After the recovery time one probe goes through; its success closes the breaker.
    await clock.advance(60_000);
    await expect(client.fetchJson(`${api.url}/x`)).resolves.toBe('up');
    expect(api.requestCount('/x')).toBe(4);
    expect(client.breakers.get(api.host)?.state).toBe('CLOSED');
  });

  it('stops retrying as soon as the breaker opens mid-retry', async () => {
    client = new AsyncAPIClient({
      maxRetries: 10,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 2,
      breakerFor: () => new CircuitBreaker({ failureThreshold: 3 }),
    });
    api.fault('/down', { status: 500 });
    const error = await client.fetchJson(`${api.url}/down`).catch((e: unknown) => e);
    expect(isCircuitOpenError(error)).toBe(true);
    expect(api.requestCount('/down')).toBe(3);
  });

  it('counts timeouts and connection resets as breaker failures, 404 as a success', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, timeoutMs: 200 });
    api.fault('/t', { latencyMs: 2_000 }, { times: 1 }).fault('/t', 'reset', { times: 1 }).fault('/t', { status: 404 }, { times: 1 });
    await expect(client.fetchJson(`${api.url}/t`)).rejects.toMatchObject({ code: 'QAHT_ERR_TIMEOUT' });
    await expect(client.fetchJson(`${api.url}/t`)).rejects.toMatchObject({ code: 'QAHT_ERR_CONNECTION' });
    expect(client.breakers.get(api.host)?.toJSON().failures).toBe(2);
    await expect(client.fetchJson(`${api.url}/t`)).rejects.toMatchObject({ status: 404 });
    expect(client.breakers.get(api.host)?.toJSON().failures).toBe(0);
  });

  it('retries transient failures and succeeds, with every attempt timed per host', async () => {
    const monitor = new PerformanceMonitor();
    client = new AsyncAPIClient({ monitor, maxRetries: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
    api.route('GET', '/flaky', { json: { v: 1 } });
    api.fault('/flaky', { status: 503 }, { times: 1 }).fault('/flaky', 'reset-mid-body', { times: 1 });
    await expect(client.fetchJson(`${api.url}/flaky`)).resolves.toEqual({ v: 1 });
    expect(api.requestCount('/flaky')).toBe(3);
    const stats = monitor.getStats();
    expect(stats.timings[`http.${api.host}`]?.count).toBe(3);
    expect(stats.counters).toMatchObject({ 'http.requests': 3, 'http.retries': 2 });
    expect(stats.errors[`http.${api.host}`]).toBe(2);
  });

  it('does not retry a Retry-After longer than maxRetryAfterMs, and then fails fast on that host', async () => {
    const clock = new ManualClock();
    client = new AsyncAPIClient({ clock, maxRetries: 3, maxRetryAfterMs: 60_000 });
    api.route('GET', '/b', { json: 1 });
    api.fault('/b', { status: 418, retryAfter: '7200' }, { times: 1 });
    await expect(client.fetchJson(`${api.url}/b`)).rejects.toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED', status: 418 });
    const error = (await client.fetchJson(`${api.url}/b`).catch((e: unknown) => e)) as QahtError;
    expect(error.code).toBe('QAHT_ERR_RATE_LIMITED');
    expect(error.retryAfterMs).toBe(7_200_000);
    expect(api.requestCount()).toBe(1);
  });
});

describe('AsyncAPIClient rate-limit headers', () => {
  it('paces a host whose Binance used weight passes 80 %, blocks it at the budget', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 29, 10, 0, 30));
    client = new AsyncAPIClient({ clock, maxRetries: 0 });
    let used = 5400;
    api.route('GET', '/api/v3/ticker/24hr', (_req, _url, ctx) => ctx.json([], { headers: { 'x-mbx-used-weight-1m': String(used) } }));
    await client.fetchJson(`${api.url}/api/v3/ticker/24hr`);
    // 600 weight left, 30 s of the minute left, one request assumed to weigh 1: 50 ms apart.
    expect(client.limiter.delayMs(api.host)).toBe(50);

    used = 6000;
    // The new pace applies to the very next request: it waits 50 ms for its slot.
    await driveClock(clock, client.fetchJson(`${api.url}/api/v3/ticker/24hr`));
    expect(blockedUntil(client.limiter, api.host)).toBe(Date.UTC(2026, 10, 29, 10, 1, 0));
  });

  it('blocks a host until X-RateLimit-Reset when X-RateLimit-Remaining is 0 (epoch seconds or delta)', async () => {
    const clock = new ManualClock();
    client = new AsyncAPIClient({ clock, maxRetries: 0 });
    const resetEpochS = Math.floor(clock.now() / 1000) + 90;
    api.route('GET', '/epoch', { json: 1, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetEpochS) } });
    await client.fetchJson(`${api.url}/epoch`);
    expect(blockedUntil(client.limiter, api.host)).toBe(resetEpochS * 1000);

    const other = await startFakeApi({ host: '127.0.0.2' });
    try {
      other.route('GET', '/delta', { json: 1, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '120' } });
      await client.fetchJson(`${other.url}/delta`);
      expect(blockedUntil(client.limiter, other.host)).toBe(clock.now() + 120_000);
    } finally {
      await other.close();
    }
  });

  it('a pending wait for a blocked host is cancelled by the abort signal, nothing is sent', async () => {
    const clock = new ManualClock();
    client = new AsyncAPIClient({ clock, maxRetries: 0 });
    client.limiter.blockUntil(api.host, clock.now() + 10_000);
    const controller = new AbortController();
    const pending = client.fetchJson(`${api.url}/w`, { signal: controller.signal }).catch((e: unknown) => e);
    await waitUntil(() => clock.pendingSleeps === 1);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'QAHT_ERR_ABORTED', url: `${api.url}/w` });
    expect(api.requestCount()).toBe(0);
  });
});

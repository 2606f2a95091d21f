import { describe, expect, it } from 'vitest';
import { QahtError } from '../../src/errors.js';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import type { AttemptEvent, BreakerRejectionEvent, PacingEvent, RateLimitEvent, RetryEvent } from '../../src/http/client-events.js';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { driveClock } from '../helpers/drive-clock.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { useFakeApi } from './use-fake-api.js';
import { ManualClock } from '../helpers/manual-clock.js';

let api: FakeApi;
let client: AsyncAPIClient | undefined;

useFakeApi(
  (started) => (api = started),
  async () => {
    await client?.close();
    client = undefined;
  },
);

const SOURCE = 'coingecko';

describe('AsyncAPIClient events', () => {
  it('reports each attempt, retry, rate limit and pacing wait where it happens, with host and source', async () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock, defaultDelayMs: 500 });
    client = new AsyncAPIClient({ clock, limiter, maxRetries: 1, retryBaseDelayMs: 1000, jitter: 'none' });
    const attempts: AttemptEvent[] = [];
    const retries: RetryEvent[] = [];
    const limits: RateLimitEvent[] = [];
    const waits: PacingEvent[] = [];
    client.onAttempt((e) => attempts.push(e));
    client.onRetry((e) => retries.push(e));
    client.onRateLimit((e) => limits.push(e));
    client.onPacing((e) => waits.push(e));
    api.route('GET', '/m', { json: [1] });
    api.fault('/m', { status: 429, retryAfter: '2' }, { times: 1 });

    await expect(driveClock(clock, client.fetchJson(`${api.url}/m`, { source: SOURCE }))).resolves.toEqual([1]);

    const about = { host: api.host, source: SOURCE, url: `${api.url}/m` };
    expect(attempts.map((e) => [e.status, e.code])).toEqual([
      [429, 'QAHT_ERR_RATE_LIMITED'],
      [200, undefined],
    ]);
    expect(attempts[0]).toMatchObject(about);
    expect(limits).toEqual([{ ...about, at: limits[0]?.at, status: 429, soft: false, retryAfterMs: 2000, delayMs: 1000 }]);
    expect(retries).toEqual([{ ...about, at: retries[0]?.at, attempt: 1, delayMs: 2000, code: 'QAHT_ERR_RATE_LIMITED' }]);
    // The retry slept through the Retry-After itself, so its slot was free by then.
    expect(waits).toEqual([]);

    // Two more at once: each waits for its slot, one delay (now 1000 ms) after the previous one.
    await driveClock(
      clock,
      Promise.all([client.fetchJson(`${api.url}/m`, { source: SOURCE }), client.fetchJson(`${api.url}/m`, { source: SOURCE })]),
    );
    expect(waits.map((e) => e.waitedMs)).toEqual([1000, 2000]);
    expect(waits[0]).toMatchObject(about);
  });

  it('reports breaker rejections, and stops delivering to a disposed listener', async () => {
    const clock = new ManualClock();
    client = new AsyncAPIClient({ clock, maxRetries: 0, breakerFor: () => new CircuitBreaker({ clock, failureThreshold: 1 }) });
    const rejections: BreakerRejectionEvent[] = [];
    const dispose = client.onBreakerRejection((e) => rejections.push(e));
    api.fault('/down', { status: 503 });
    await expect(client.fetchJson(`${api.url}/down`, { source: 'hn' })).rejects.toMatchObject({ status: 503 });
    await expect(client.fetchJson(`${api.url}/down`, { source: 'hn' })).rejects.toMatchObject({ code: 'QAHT_ERR_CIRCUIT_OPEN' });
    expect(rejections).toEqual([{ host: api.host, source: 'hn', url: `${api.url}/down`, at: clock.now(), retryAfterMs: 60_000 }]);
    dispose();
    dispose();
    await expect(client.fetchJson(`${api.url}/down`)).rejects.toMatchObject({ code: 'QAHT_ERR_CIRCUIT_OPEN' });
    expect(rejections).toHaveLength(1);
    expect(api.requestCount('/down')).toBe(1);
  });

  it('a listener that throws changes nothing', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    client.onAttempt(() => {
      throw new Error('observer bug');
    });
    api.route('GET', '/ok', { json: { ok: true } });
    await expect(client.fetchJson(`${api.url}/ok`)).resolves.toEqual({ ok: true });
  });

  it('feeds the monitor series labelled by host and source, never with either inside a name', async () => {
    const clock = new ManualClock();
    const monitor = new PerformanceMonitor({ clock });
    client = new AsyncAPIClient({ clock, monitor, maxRetries: 1, retryBaseDelayMs: 10 });
    api.route('GET', '/a', { json: 1 });
    api.fault('/a', { status: 503 }, { times: 1 });
    await driveClock(clock, client.fetchJson(`${api.url}/a`, { source: SOURCE }));

    const labels = { host: api.host, source: SOURCE };
    const series = monitor.series();
    expect(series.counters).toEqual([
      { name: 'http.requests', labels, value: 2 },
      { name: 'http.retries', labels, value: 1 },
    ]);
    expect(series.timings).toEqual([{ name: 'http', labels, stats: expect.objectContaining({ count: 2 }) }]);
    expect(series.errors).toEqual([{ name: 'http', labels, value: 1 }]);
    for (const entry of [...series.counters, ...series.timings, ...series.errors]) {
      expect(entry.name).not.toContain(api.host);
      expect(entry.name).not.toContain(SOURCE);
    }
    // The seed's flat view still reads as before.
    expect(monitor.getStats().counters).toMatchObject({ 'http.requests': 2, 'http.retries': 1 });
    expect(monitor.getStats().timings[`http.${api.host}`]?.count).toBe(2);
  });
});

describe('RequestOptions.classify', () => {
  it("runs on the final 2xx inside the attempt: its error fails the attempt, with the request's secrets redacted", async () => {
    const clock = new ManualClock();
    const monitor = new PerformanceMonitor({ clock });
    const breaker = new CircuitBreaker({ clock });
    client = new AsyncAPIClient({ clock, monitor, maxRetries: 0, breakerFor: () => breaker });
    api.route('GET', '/q', { json: { note: 'key secret-key-99 is over its limit' } });
    const classify = (response: { text: string }) =>
      response.text.includes('over its limit') ? new QahtError('QAHT_ERR_RATE_LIMITED', `soft limit: ${response.text}`) : undefined;

    const error = (await client.request(`${api.url}/q?apikey=secret-key-99`, { classify }).catch((e: unknown) => e)) as QahtError;

    expect(error).toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED', url: `${api.url}/q?apikey=REDACTED` });
    expect(error.message).not.toContain('secret-key-99');
    expect(breaker.toJSON().failures).toBe(1);
    expect(monitor.getStats().counters['http.429']).toBe(1);
  });

  it('a classify that throws fails the attempt too, and one that returns nothing passes the answer on', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    api.route('GET', '/t', { body: 'plain' });
    const thrown = client.fetchText(`${api.url}/t`, {
      classify: () => {
        throw new Error('checker bug');
      },
    });
    await expect(thrown).rejects.toMatchObject({ code: 'QAHT_ERR_INVALID_DATA', message: expect.stringContaining('checker bug') });
    await expect(client.fetchText(`${api.url}/t`, { classify: () => undefined })).resolves.toBe('plain');
  });

  it('never sees a non-2xx answer: that is classified by its status first', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    let calls = 0;
    api.fault('/s', { status: 500 }, { times: 1 });
    const classify = () => {
      calls += 1;
      return undefined;
    };
    await expect(client.request(`${api.url}/s`, { classify })).rejects.toMatchObject({ status: 500 });
    expect(calls).toBe(0);
  });
});

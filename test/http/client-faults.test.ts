import { describe, expect, it } from 'vitest';
import { isQahtError, isRetryableError, type QahtError } from '../../src/errors.js';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { startFakeApi, type FakeApi, type Fault } from '../helpers/fake-api/index.js';
import { useFakeApi } from './use-fake-api.js';
import { timed } from './wait-until.js';

/**
 * Every fault the fake can inject, through a client with no retries, small timeouts and a manual
 * clock (nothing here sleeps on the clock: the limiter delay is 0 and retries are off).
 */
const TIMEOUT_MS = 400;
let api: FakeApi;
let client: AsyncAPIClient;
let clock: ManualClock;

useFakeApi(
  (started) => (api = started),
  () => client?.close(),
);

function newClient(options: ConstructorParameters<typeof AsyncAPIClient>[0] = {}): AsyncAPIClient {
  clock = new ManualClock();
  client = new AsyncAPIClient({ clock, maxRetries: 0, timeoutMs: TIMEOUT_MS, maxResponseBytes: 1024 * 1024, ...options });
  return client;
}

async function failure(path: string, fault: Fault, options: ConstructorParameters<typeof AsyncAPIClient>[0] = {}) {
  newClient(options);
  api.route('GET', path, { json: { data: 'x'.repeat(4000) } });
  api.fault(path, fault);
  const outcome = await timed(() => client.fetchJson(`${api.url}${path}`));
  expect(outcome.error, `expected ${JSON.stringify(fault)} to fail`).toBeDefined();
  expect(isQahtError(outcome.error)).toBe(true);
  return { error: outcome.error as QahtError, ms: outcome.ms };
}

describe('AsyncAPIClient fault classification', () => {
  it('latency past the attempt deadline is a TIMEOUT, raised at the deadline', async () => {
    const { error, ms } = await failure('/slow', { latencyMs: 3_000 });
    expect(error.code).toBe('QAHT_ERR_TIMEOUT');
    expect(error.url).toBe(`${api.url}/slow`);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(isRetryableError(error)).toBe(true);
  });

  it('slow headers hit the headers timeout', async () => {
    const { error, ms } = await failure('/sh', { slowHeadersMs: 3_000 }, { headersTimeoutMs: 200, timeoutMs: 5_000 });
    expect(error.code).toBe('QAHT_ERR_TIMEOUT');
    expect(ms).toBeLessThan(1_500);
  });

  it('a trickling body hits the body timeout (gap between chunks)', async () => {
    const { error, ms } = await failure('/sb', { slowBodyMs: 1_500, chunks: 3 }, { bodyTimeoutMs: 200, timeoutMs: 5_000 });
    expect(error.code).toBe('QAHT_ERR_TIMEOUT');
    expect(ms).toBeLessThan(1_500);
  });

  it('a body that keeps coming but not fast enough hits the overall deadline', async () => {
    const { error, ms } = await failure('/sb2', { slowBodyMs: 150, chunks: 10 });
    expect(error.code).toBe('QAHT_ERR_TIMEOUT');
    expect(ms).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('429 with Retry-After seconds is RATE_LIMITED with retryAfterMs', async () => {
    const { error } = await failure('/rl', { status: 429, retryAfter: '2' });
    expect(error.code).toBe('QAHT_ERR_RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(2_000);
  });

  it('429 with an HTTP-date Retry-After is measured against the client clock', async () => {
    newClient();
    api.fault('/rl-date', { status: 429, retryAfter: new Date(clock.now() + 7_000).toUTCString() });
    const error = (await client.fetchJson(`${api.url}/rl-date`).catch((e: unknown) => e)) as QahtError;
    expect(error.code).toBe('QAHT_ERR_RATE_LIMITED');
    expect(error.retryAfterMs).toBe(7_000);
  });

  it("418 (Binance's ban) is RATE_LIMITED too", async () => {
    const { error } = await failure('/ban', { status: 418, retryAfter: '120' });
    expect(error.code).toBe('QAHT_ERR_RATE_LIMITED');
    expect(error.status).toBe(418);
  });

  it('451 is a final HTTP_STATUS: not retried, not a breaker failure, body quoted', async () => {
    newClient({ maxRetries: 3, retryBaseDelayMs: 1 });
    api.fault('/geo', { status: 451, json: { code: 0, msg: 'Service unavailable from a restricted location' } });
    const error = (await client.fetchJson(`${api.url}/geo`).catch((e: unknown) => e)) as QahtError;
    expect(error.code).toBe('QAHT_ERR_HTTP_STATUS');
    expect(error.status).toBe(451);
    expect(error.message).toContain('restricted location');
    expect(api.requestCount('/geo')).toBe(1);
    expect(client.breakers.get(api.host)?.toJSON()).toMatchObject({ state: 'CLOSED', failures: 0 });
  });

  it.each([500, 502, 503])('%i is a retryable HTTP_STATUS and a breaker failure', async (status) => {
    const { error } = await failure(`/s${status}`, { status });
    expect(error.code).toBe('QAHT_ERR_HTTP_STATUS');
    expect(error.status).toBe(status);
    expect(isRetryableError(error)).toBe(true);
    expect(client.breakers.get(api.host)?.toJSON().failures).toBe(1);
  });

  it.each(['reset', 'reset-mid-body', 'truncated-body'] as const)('%s is a CONNECTION error', async (fault) => {
    const { error, ms } = await failure(`/${fault}`, fault);
    expect(error.code).toBe('QAHT_ERR_CONNECTION');
    expect(error.url).toBe(`${api.url}/${fault}`);
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });

  it('a refused connection is a CONNECTION error', async () => {
    const dead = await startFakeApi();
    const url = `${dead.url}/x`;
    await dead.close();
    newClient();
    const error = (await client.fetchJson(url).catch((e: unknown) => e)) as QahtError;
    expect(error.code).toBe('QAHT_ERR_CONNECTION');
  });

  it('an oversized body is RESPONSE_TOO_LARGE, not retried', async () => {
    const { error, ms } = await failure('/big', { oversizedBytes: 8 * 1024 * 1024 }, { maxRetries: 2, retryBaseDelayMs: 1 });
    expect(error.code).toBe('QAHT_ERR_RESPONSE_TOO_LARGE');
    expect(api.requestCount('/big')).toBe(1);
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });

  it('malformed JSON is INVALID_DATA', async () => {
    const { error } = await failure('/bad', 'malformed-json');
    expect(error.code).toBe('QAHT_ERR_INVALID_DATA');
    expect(error.message).toContain('invalid JSON');
  });

  it('an HTML page at 200 is INVALID_DATA for fetchJson, plain text for fetchText', async () => {
    const { error } = await failure('/html', 'html-200');
    expect(error.code).toBe('QAHT_ERR_INVALID_DATA');
    expect(error.message).toContain('HTML');
    expect(await client.fetchText(`${api.url}/html`)).toContain('<html>');
  });

  it('a canned status reply with a custom body and headers passes through classification', async () => {
    newClient();
    api.fault('/c', { status: 404, body: 'nothing here', headers: { 'x-custom': '1' } }, { times: 1 });
    const error = (await client.request(`${api.url}/c`).catch((e: unknown) => e)) as QahtError;
    expect(error.code).toBe('QAHT_ERR_HTTP_STATUS');
    expect(error.status).toBe(404);
    expect(error.message).toContain('nothing here');
    expect(isRetryableError(error)).toBe(false);
  });
});

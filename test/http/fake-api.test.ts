import { gunzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';

/** Raw undici (no decompression, no redirects) so the test sees exactly what the fake sent. */
const agent = new Agent({ keepAliveTimeout: 1_000 });
let api: FakeApi;

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${api.url}${path}`, { dispatcher: agent, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body };
}

beforeAll(async () => {
  api = await startFakeApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await agent.close();
  await api.close();
});

describe('fake API server', () => {
  it('serves static and handler routes and logs every request with its query', async () => {
    api.route('GET', '/static', { json: { hello: 'world' } });
    api.route('GET', '/dyn', (_req, url, ctx) => ({ n: ctx.count, q: url.searchParams.get('q') }));

    const a = await get('/static?x=1', { 'x-test': 'yes' });
    const b = await get('/dyn?q=abc');
    const c = await get('/dyn');
    const missing = await get('/nope');

    expect(a.status).toBe(200);
    expect(JSON.parse(a.body.toString())).toEqual({ hello: 'world' });
    expect(JSON.parse(b.body.toString())).toEqual({ n: 1, q: 'abc' });
    expect(JSON.parse(c.body.toString())).toEqual({ n: 2, q: null });
    expect(missing.status).toBe(404);
    expect(api.requestCount()).toBe(4);
    expect(api.requestCount('/dyn')).toBe(2);
    const first = api.requests[0];
    expect(first?.path).toBe('/static');
    expect(first?.query.get('x')).toBe('1');
    expect(first?.headers['x-test']).toBe('yes');
  });

  it('applies queued faults for the given number of requests, then the route again', async () => {
    api.route('GET', '/p', { json: [1] });
    api.fault('/p', { status: 503 }, { times: 2 }).fault('/p', { status: 429, retryAfter: '2' }, { times: 1 });

    const statuses = [];
    let retryAfter: unknown;
    for (let i = 0; i < 4; i++) {
      const res = await get('/p');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses).toEqual([503, 503, 429, 200]);
    expect(retryAfter).toBe('2');
  });

  it('applies a wildcard fault to every path without its own, until cleared', async () => {
    api.route('GET', '/a', { json: 1 }).route('GET', '/b', { json: 2 });
    api.fault('*', { status: 418 }).fault('/b', { status: 451 }, { times: 1 });
    expect((await get('/a')).status).toBe(418);
    expect((await get('/b')).status).toBe(451);
    expect((await get('/b')).status).toBe(418);
    api.clearFaults();
    expect((await get('/a')).status).toBe(200);
  });

  it('compresses when the route asks and answers 304 to a matching ETag', async () => {
    api.route('GET', '/gz', { json: { big: 'x'.repeat(1000) }, compress: 'gzip', etag: '"v1"' });
    const full = await get('/gz');
    expect(full.headers['content-encoding']).toBe('gzip');
    expect(full.headers['etag']).toBe('"v1"');
    expect(full.body.length).toBeLessThan(200);
    expect(JSON.parse(gunzipSync(full.body).toString())).toEqual({ big: 'x'.repeat(1000) });

    const cached = await get('/gz', { 'if-none-match': '"v1"' });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
    expect((await get('/gz', { 'if-none-match': '"v0"' })).status).toBe(200);
  });

  it('serves malformed JSON and HTML at 200', async () => {
    api.fault('/m', 'malformed-json', { times: 1 }).fault('/h', 'html-200', { times: 1 });
    const m = await get('/m');
    expect(m.status).toBe(200);
    expect(() => JSON.parse(m.body.toString())).toThrow();
    const h = await get('/h');
    expect(h.status).toBe(200);
    expect(h.headers['content-type']).toContain('text/html');
  });

  it('breaks bodies: reset mid-body and truncated body both fail the read', async () => {
    api.route('GET', '/r', { json: { data: 'y'.repeat(5000) } });
    api.fault('/r', 'reset-mid-body', { times: 1 }).fault('/r', 'truncated-body', { times: 1 });
    await expect(get('/r')).rejects.toThrow();
    await expect(get('/r')).rejects.toThrow();
    expect((await get('/r')).status).toBe(200);
  });

  it('streams an oversized JSON body of exactly the requested size', async () => {
    api.fault('/big', { oversizedBytes: 1_000_000 }, { times: 1 });
    const res = await get('/big');
    expect(res.body.length).toBe(1_000_000);
    expect(Array.isArray(JSON.parse(res.body.toString()))).toBe(true);
  });

  it('delays headers or trickles the body', async () => {
    api.route('GET', '/s', { body: 'abcdefgh' });
    api.fault('/s', { slowHeadersMs: 60 }, { times: 1 }).fault('/s', { slowBodyMs: 20, chunks: 4 }, { times: 1 });
    const t0 = performance.now();
    expect((await get('/s')).body.toString()).toBe('abcdefgh');
    const t1 = performance.now();
    expect((await get('/s')).body.toString()).toBe('abcdefgh');
    const t2 = performance.now();
    expect(t1 - t0).toBeGreaterThanOrEqual(55);
    expect(t2 - t1).toBeGreaterThanOrEqual(55);
  });

  it('binds another loopback address and close() ends pending requests', async () => {
    const other = await startFakeApi({ host: '127.0.0.2' });
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    other.fault('*', { slowHeadersMs: 10_000 });
    const pending = request(`${other.url}/hang`, { dispatcher: agent });
    await waitFor(() => other.requestCount() === 1);
    await other.close();
    await expect(pending).rejects.toThrow();
  });
});

async function waitFor(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5));
}

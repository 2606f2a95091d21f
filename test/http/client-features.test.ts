import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { QahtError } from '../../src/errors.js';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { useFakeApi } from './use-fake-api.js';
import { timed, waitUntil } from './wait-until.js';

let api: FakeApi;
let client: AsyncAPIClient;

useFakeApi(
  (started) => (api = started),
  () => client?.close(),
);

const catchError = (p: Promise<unknown>): Promise<QahtError> =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e as QahtError,
  );

describe('AsyncAPIClient features', () => {
  it.each(['gzip', 'br', 'deflate'] as const)('decodes %s bodies', async (compress) => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    const payload = { coins: Array.from({ length: 200 }, (_, i) => ({ id: `coin-${i}`, price: i * 1.5 })) };
    api.route('GET', '/z', { json: payload, compress });
    await expect(client.fetchJson(`${api.url}/z`)).resolves.toEqual(payload);
    expect(api.requests[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('rejects a body in an encoding it did not ask for', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    api.route('GET', '/zstd', { body: 'opaque', headers: { 'content-encoding': 'zstd' } });
    const error = await catchError(client.fetchText(`${api.url}/zstd`));
    expect(error.code).toBe('QAHT_ERR_INVALID_DATA');
    expect(error.message).toContain('zstd');
  });

  it('a per-request timeoutMs overrides the client deadline', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, timeoutMs: 10_000 });
    api.fault('/slowish', { latencyMs: 2_000 });
    const outcome = await timed(() => client.fetchJson(`${api.url}/slowish`, { timeoutMs: 150 }));
    expect((outcome.error as QahtError).code).toBe('QAHT_ERR_TIMEOUT');
    expect(outcome.ms).toBeLessThan(1_000);
  });

  it('caps the decoded size: a small gzip body that inflates past the cap fails', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, maxResponseBytes: 256 * 1024 });
    api.route('GET', '/bomb', { body: 'a'.repeat(4 * 1024 * 1024), compress: 'gzip' });
    const error = await catchError(client.fetchText(`${api.url}/bomb`));
    expect(error.code).toBe('QAHT_ERR_RESPONSE_TOO_LARGE');
    expect(error.url).toBe(`${api.url}/bomb`);
  });

  it('rejects a declared Content-Length over the cap, and a body exactly at the cap passes', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, maxResponseBytes: 1000 });
    api.route('GET', '/big', { body: 'b'.repeat(1001) }).route('GET', '/fits', { body: 'c'.repeat(1000) });
    expect((await catchError(client.fetchText(`${api.url}/big`))).code).toBe('QAHT_ERR_RESPONSE_TOO_LARGE');
    expect(await client.fetchText(`${api.url}/fits`)).toHaveLength(1000);
  });

  it('drops the connection of an oversized stream instead of draining it', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, maxResponseBytes: 64 * 1024 });
    let finished = false;
    let closed = false;
    api.route('GET', '/endless', (_req, _url, { res }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => {
        closed = true;
      });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (!res.destroyed && sent < 256 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end(() => (finished = true));
      };
      pump();
    });
    const outcome = await timed(() => client.fetchText(`${api.url}/endless`));
    expect((outcome.error as QahtError).code).toBe('QAHT_ERR_RESPONSE_TOO_LARGE');
    await waitUntil(() => closed, 2_000, 'the server to see the connection close');
    expect(finished).toBe(false);
  });

  it('follows redirects up to maxRedirects and reports the final URL', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, maxRedirects: 3 });
    const hop = (to: string) => ({ status: 302, headers: { location: to } });
    api
      .route('GET', '/r1', hop('/r2'))
      .route('GET', '/r2', hop(`${api.url}/r3`))
      .route('GET', '/r3', hop('/final?x=1'));
    api.route('GET', '/final', { json: { done: true } });
    const response = await client.request(`${api.url}/r1`);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${api.url}/final?x=1`);
    expect(JSON.parse(response.text)).toEqual({ done: true });

    api.route('GET', '/r0', hop('/r1'));
    const error = await catchError(client.request(`${api.url}/r0`));
    expect(error.code).toBe('QAHT_ERR_HTTP_STATUS');
    expect(error.message).toContain('too many redirects');
    expect(api.requestCount('/final')).toBe(1);
  });

  it('does not carry caller headers (keys) to another origin on redirect', async () => {
    const other = await startFakeApi({ host: '127.0.0.2' });
    try {
      client = new AsyncAPIClient({ maxRetries: 0 });
      other.route('GET', '/there', { json: 'moved' });
      api.route('GET', '/here', { status: 301, headers: { location: `${other.url}/there` } });
      await expect(client.fetchJson(`${api.url}/here`, { headers: { 'x-cg-demo-api-key': 'KEY-123456' } })).resolves.toBe('moved');
      expect(api.requests[0]?.headers['x-cg-demo-api-key']).toBe('KEY-123456');
      expect(other.requests[0]?.headers['x-cg-demo-api-key']).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('identifies itself as qaht/<package version>', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    api.route('GET', '/ua', { json: 1 });
    await client.fetchJson(`${api.url}/ua`);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(api.requests[0]?.headers['user-agent']).toBe(`qaht/${version}`);
  });

  it('redacts key query params and listed secrets from error URLs and messages', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    // The fake echoes the request URL in its error body, as some APIs do.
    api.route('GET', '/v1/SECRETPATHKEY/quote', (req, _url, ctx) => ctx.json({ error: `bad request ${req.url}` }, { status: 400 }));
    const url = `${api.url}/v1/SECRETPATHKEY/quote?symbol=AAPL&token=TOKEN-abc123&apikey=AV-KEY-999&x_cg_demo_api_key=CG-777`;
    const error = await catchError(client.fetchJson(url, { secrets: ['SECRETPATHKEY'] }));
    expect(error.code).toBe('QAHT_ERR_HTTP_STATUS');
    const text = `${error.url} ${error.message}`;
    for (const secret of ['SECRETPATHKEY', 'TOKEN-abc123', 'AV-KEY-999', 'CG-777']) expect(text).not.toContain(secret);
    expect(error.url).toBe(`${api.url}/v1/REDACTED/quote?symbol=AAPL&token=REDACTED&apikey=REDACTED&x_cg_demo_api_key=REDACTED`);
    expect(error.message).toContain('bad request');
  });

  it('redacts keys from transport errors, timeouts and batch results', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, timeoutMs: 150 });
    api.fault('/slow', { latencyMs: 2_000 });
    const [result] = await client.fetchBatch([`${api.url}/slow?apiKey=HIDDEN-42`]);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) {
      expect(result.error.code).toBe('QAHT_ERR_TIMEOUT');
      expect(`${result.error.url} ${result.error.message}`).not.toContain('HIDDEN-42');
    }
  });

  it('an abort signal cancels the request in flight', async () => {
    client = new AsyncAPIClient({ maxRetries: 3, timeoutMs: 10_000 });
    api.fault('/hang', { latencyMs: 5_000 });
    const controller = new AbortController();
    const pending = timed(() => client.fetchJson(`${api.url}/hang`, { signal: controller.signal }));
    await waitUntil(() => api.requestCount('/hang') === 1);
    controller.abort();
    const outcome = await pending;
    expect((outcome.error as QahtError).code).toBe('QAHT_ERR_ABORTED');
    expect(outcome.ms).toBeLessThan(1_000);
    expect(api.requestCount('/hang')).toBe(1);
    expect(client.breakers.get(api.host)?.toJSON().failures).toBe(0);
  });

  it('reuses keep-alive connections', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    const ports = new Set<number | undefined>();
    api.route('GET', '/k', (req) => {
      ports.add(req.socket.remotePort);
      return 1;
    });
    for (let i = 0; i < 10; i++) await client.fetchJson(`${api.url}/k`);
    // undici may open a second socket while the first is being released, but no more.
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it('close() fails requests in flight and is idempotent', async () => {
    client = new AsyncAPIClient({ maxRetries: 3, retryBaseDelayMs: 1 });
    api.fault('/late', { latencyMs: 5_000 });
    const pending = catchError(client.fetchJson(`${api.url}/late`));
    await waitUntil(() => api.requestCount('/late') === 1);
    await client.close();
    await client.close();
    expect((await pending).code).toBe('QAHT_ERR_ABORTED');
    expect(client.breakers.get(api.host)?.toJSON().failures).toBe(0);
    expect((await catchError(client.fetchJson(`${api.url}/late`))).code).toBe('QAHT_ERR_ABORTED');
    expect(api.requestCount('/late')).toBe(1);
  });
});

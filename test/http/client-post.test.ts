import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QahtError } from '../../src/errors.js';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The client's POST path (webhooks): the same chain and retry rules as a GET, its body and
 * content type on the wire, no redirect followed, and messages that name the method.
 */

let receiver: WebhookReceiver;
let client: AsyncAPIClient;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await client?.close();
  receiver.reset();
});
afterAll(() => receiver.close());

const catchError = (p: Promise<unknown>): Promise<QahtError> =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e as QahtError,
  );

describe('AsyncAPIClient.post', () => {
  it('sends the body with its content type and resolves for 2xx', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    receiver.answer({ status: 200, body: 'ok' });
    const response = await client.post(`${receiver.url}/hook`, '{"text":"hi"}');
    expect(response.status).toBe(200);
    expect(response.text).toBe('ok');
    expect(receiver.received).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/hook',
        body: '{"text":"hi"}',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
      }),
    ]);
  });

  it('retries a 5xx like a GET, sending the same body each time, and names the method in the error', async () => {
    client = new AsyncAPIClient({ maxRetries: 2, retryBaseDelayMs: 1 });
    receiver.answer({ status: 500, body: 'boom' });
    const error = await catchError(client.post(`${receiver.url}/hook`, 'payload', { contentType: 'text/plain' }));
    expect(error.code).toBe('QAHT_ERR_HTTP_STATUS');
    expect(error.message).toBe(`HTTP 500 from POST ${receiver.url}/hook: boom`);
    expect(receiver.received.map((r) => [r.method, r.body, r.headers['content-type']])).toEqual(
      Array.from({ length: 3 }, () => ['POST', 'payload', 'text/plain']),
    );
  });

  it('follows no redirect: a 302 is a failure of the POST', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    receiver.answer({ status: 302, headers: { location: '/elsewhere' } });
    const error = await catchError(client.post(`${receiver.url}/hook`, '{}'));
    expect(error.message).toMatch(/^HTTP 302 from POST /);
    expect(receiver.received).toHaveLength(1);
  });

  it('gives up on a receiver that never answers at the attempt deadline', async () => {
    client = new AsyncAPIClient({ maxRetries: 0, timeoutMs: 200 });
    receiver.answer('hang');
    const error = await catchError(client.post(`${receiver.url}/hook`, '{}'));
    expect(error.code).toBe('QAHT_ERR_TIMEOUT');
    expect(error.message).toBe(`no complete response within 200 ms for POST ${receiver.url}/hook`);
  });

  it("goes through the host's breaker: five failures open it, and the sixth POST is refused unsent", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 5 });
    client = new AsyncAPIClient({ maxRetries: 0, breakerFor: () => breaker });
    receiver.answer({ status: 503 });
    for (let i = 0; i < 5; i++) await catchError(client.post(`${receiver.url}/hook`, '{}'));
    expect(breaker.state).toBe('OPEN');
    const refused = await catchError(client.post(`${receiver.url}/hook`, '{}'));
    expect(refused.code).toBe('QAHT_ERR_CIRCUIT_OPEN');
    expect(receiver.received).toHaveLength(5);
  });

  it('redacts a token in the URL from its errors', async () => {
    client = new AsyncAPIClient({ maxRetries: 0 });
    receiver.answer({ status: 404 });
    const error = await catchError(client.post(`${receiver.url}/hook?token=s3cr3t-value`, '{}', { secrets: ['abcdefgh'] }));
    expect(error.message).not.toContain('s3cr3t-value');
    expect(error.message).toContain('token=REDACTED');
  });
});

import { describe, expect, it } from 'vitest';
import { isRetryableError } from '../../src/errors.js';
import { classifyTransportError, isHostFailure } from '../../src/http/classify-error.js';

const context = { url: 'https://api.example.com/x' };
const withCode = (code: string): Error => Object.assign(new Error(`getaddrinfo ${code} api.example.com`), { code });

describe('classifyTransportError', () => {
  it('does not retry a host that DNS says does not exist, but counts it against the host', () => {
    const error = classifyTransportError(withCode('ENOTFOUND'), context);
    expect(error.code).toBe('QAHT_ERR_HOST_NOT_FOUND');
    expect(isRetryableError(error)).toBe(false);
    expect(isHostFailure(error)).toBe(true);
  });

  it('retries a temporary DNS failure and a reset connection', () => {
    for (const code of ['EAI_AGAIN', 'ECONNRESET', 'ECONNREFUSED']) {
      const error = classifyTransportError(withCode(code), context);
      expect(error.code).toBe('QAHT_ERR_CONNECTION');
      expect(isRetryableError(error)).toBe(true);
    }
  });

  it('keeps the url and the cause', () => {
    const cause = withCode('ECONNRESET');
    const error = classifyTransportError(cause, context);
    expect(error.url).toBe(context.url);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain(context.url);
  });
});

describe('which statuses are worth a retry', () => {
  it('retries 408, 425, 429 and every 5xx but 501 and 505', async () => {
    const { QahtError } = await import('../../src/errors.js');
    const status = (code: number) => isRetryableError(new QahtError('QAHT_ERR_HTTP_STATUS', `HTTP ${code}`, { status: code }));
    for (const code of [408, 425, 429, 500, 502, 503, 504, 507, 520, 522, 524]) expect(status(code), String(code)).toBe(true);
    for (const code of [400, 401, 403, 404, 451, 501, 505]) expect(status(code), String(code)).toBe(false);
  });
});

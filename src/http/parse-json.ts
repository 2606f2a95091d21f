import { QahtError } from '../errors.js';
import { redactSecrets } from '../redact.js';
import type { HttpResponse } from './types.js';

/**
 * Parses a response body as JSON. An HTML page (a CDN interstitial, GDELT's text errors at 200),
 * or an empty or unparseable body throws `QAHT_ERR_INVALID_DATA`.
 */
export function parseJsonBody<T>(response: HttpResponse, secrets?: readonly string[]): T {
  const { url, status } = response;
  const text = response.text.replace(/^\uFEFF/, '');
  const contentType = response.headers['content-type'] ?? '';
  if (contentType.includes('text/html') || /^\s*</.test(text)) {
    throw new QahtError(
      'QAHT_ERR_INVALID_DATA',
      `expected JSON from GET ${url} but got an HTML page (${contentType || 'no content-type'})`,
      { url, status },
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    // V8's message quotes the start of the body, which may echo a key back: scrub it.
    const detail = redactSecrets(cause instanceof Error ? cause.message : String(cause), secrets);
    throw new QahtError('QAHT_ERR_INVALID_DATA', `invalid JSON from GET ${url}: ${detail}`, { url, status, cause });
  }
}

import { isQahtError, QahtError, type QahtErrorCode } from '../errors.js';
import { redactSecrets } from '../redact.js';
import { nodeErrorCategory } from '../resilience/error-category.js';
import type { HttpMethod } from './types.js';

/** What the classifier needs to know about the failed attempt. */
export interface FailureContext {
  /** The request URL, already redacted. */
  url: string;
  /** Secrets to scrub from messages taken from lower layers. */
  secrets?: readonly string[];
  /** The request's method, as messages name it. @default 'GET' */
  method?: HttpMethod;
}

const TOO_LARGE_CODES = new Set(['UND_ERR_RES_EXCEEDED_MAX_SIZE']);
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);

/**
 * Maps anything a transport can throw (undici errors, socket errors, zlib errors) to a QahtError
 * carrying the redacted URL and the original as `cause`. QahtErrors pass through unchanged.
 */
export function classifyTransportError(error: unknown, context: FailureContext): QahtError {
  if (isQahtError(error)) return error as QahtError;
  const code = errorCode(error);
  const detail = redactSecrets(error instanceof Error ? error.message : String(error), context.secrets);
  const make = (qahtCode: QahtErrorCode, what: string): QahtError =>
    new QahtError(qahtCode, `${what} for ${context.method ?? 'GET'} ${context.url}: ${detail}`, { url: context.url, cause: error });

  if (code && nodeErrorCategory(code) === 'timeout') return make('QAHT_ERR_TIMEOUT', 'timed out');
  if (code && TOO_LARGE_CODES.has(code)) return make('QAHT_ERR_RESPONSE_TOO_LARGE', 'response too large');
  // The caller's aborts and our deadline arrive as QahtErrors (the abort reason); any other abort
  // is the transport tearing the request down, i.e. a connection failure.
  if ((code && ABORT_CODES.has(code)) || (error instanceof Error && error.name === 'AbortError'))
    return make('QAHT_ERR_CONNECTION', 'request torn down');
  // zlib reports a corrupt or cut compressed body with Z_* codes.
  if (code?.startsWith('Z_')) return make('QAHT_ERR_INVALID_DATA', 'undecodable compressed body');
  // DNS says the name does not exist (or we are offline): retrying in seconds will not change that,
  // so it is not retried (make-fetch-happen treats it the same way), but the breaker still counts it.
  if (code === 'ENOTFOUND') return make('QAHT_ERR_HOST_NOT_FOUND', 'host not found');
  return make('QAHT_ERR_CONNECTION', 'connection failed');
}

/**
 * The error for a non-success HTTP status: 429 and 418 (Binance's ban) are rate limits, all others
 * `QAHT_ERR_HTTP_STATUS`. `snippet` is the start of the body, shown to help diagnose (secrets scrubbed).
 */
export function classifyStatus(status: number, context: FailureContext & { retryAfterMs?: number; snippet?: string }): QahtError {
  const snippet = context.snippet ? `: ${oneLine(redactSecrets(context.snippet, context.secrets))}` : '';
  const options = { url: context.url, status, ...(context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs }) };
  if (status === 429 || status === 418) {
    const wait = context.retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(context.retryAfterMs / 1000)}s`;
    return new QahtError(
      'QAHT_ERR_RATE_LIMITED',
      `rate limited (HTTP ${status}) by ${context.method ?? 'GET'} ${context.url}${wait}${snippet}`,
      options,
    );
  }
  return new QahtError('QAHT_ERR_HTTP_STATUS', `HTTP ${status} from ${context.method ?? 'GET'} ${context.url}${snippet}`, options);
}

/** Any thrown value as a QahtError (QahtErrors pass through). */
export function toQahtError(error: unknown, safeUrl: string, secrets?: readonly string[], method: HttpMethod = 'GET'): QahtError {
  return isQahtError(error)
    ? (error as QahtError)
    : classifyTransportError(error, { url: safeUrl, method, ...(secrets ? { secrets } : {}) });
}

/** A request refused or cut off because the client was closed: like an abort, it says nothing about the host. */
export function closedError(safeUrl: string, cause?: unknown, method: HttpMethod = 'GET'): QahtError {
  return new QahtError('QAHT_ERR_ABORTED', `${method} ${safeUrl} aborted: the HTTP client is closed`, { url: safeUrl, cause });
}

/** The caller's abort, as `QAHT_ERR_ABORTED` (an existing one passes through). */
export function abortedError(safeUrl: string, signal: AbortSignal, cause?: unknown, method: HttpMethod = 'GET'): QahtError {
  if (isQahtError(cause) && cause.code === 'QAHT_ERR_ABORTED') return cause as QahtError;
  return new QahtError('QAHT_ERR_ABORTED', `${method} ${safeUrl} aborted`, { url: safeUrl, cause: signal.reason ?? cause });
}

/** What a failed attempt teaches the host's limiter and breaker. */
export type HostVerdict = 'rate-limit' | 'failure' | 'answered' | 'nothing';

/**
 * - `rate-limit`: a 429/418 or a soft limit (limiter × 2, breaker failure);
 * - `failure`: the host is unhealthy (timeouts, connection errors, 5xx, 408, 425);
 * - `answered`: the host answered and our pace was accepted (a 404, a body too large, bad data);
 * - `nothing`: an abort, a closed client, an open breaker or "not on your plan" says nothing about the host.
 */
export function hostVerdict(error: QahtError): HostVerdict {
  if (error.code === 'QAHT_ERR_ABORTED' || error.code === 'QAHT_ERR_CIRCUIT_OPEN' || error.code === 'QAHT_ERR_NOT_ON_PLAN')
    return 'nothing';
  if (error.code === 'QAHT_ERR_RATE_LIMITED') return 'rate-limit';
  return isHostFailure(error) ? 'failure' : 'answered';
}

/** Whether a failure says the host is unhealthy (breaker failure, limiter back-off). */
export function isHostFailure(error: QahtError): boolean {
  switch (error.code) {
    case 'QAHT_ERR_TIMEOUT':
    case 'QAHT_ERR_CONNECTION':
    case 'QAHT_ERR_HOST_NOT_FOUND':
    case 'QAHT_ERR_RATE_LIMITED':
      return true;
    case 'QAHT_ERR_HTTP_STATUS':
      return error.status !== undefined && (error.status >= 500 || error.status === 408 || error.status === 425);
    default:
      return false;
  }
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

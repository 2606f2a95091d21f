/**
 * The error hierarchy. Every error qaht throws is a `QahtError` with a stable `code`, so callers
 * (and the CLI edge that maps errors to exit codes) switch on codes, never on message text.
 */
export type QahtErrorCode =
  | 'QAHT_ERR_CIRCUIT_OPEN'
  | 'QAHT_ERR_TIMEOUT'
  | 'QAHT_ERR_CONNECTION'
  | 'QAHT_ERR_HOST_NOT_FOUND'
  | 'QAHT_ERR_HTTP_STATUS'
  | 'QAHT_ERR_RATE_LIMITED'
  | 'QAHT_ERR_RESPONSE_TOO_LARGE'
  | 'QAHT_ERR_INVALID_DATA'
  | 'QAHT_ERR_MISSING_KEY'
  | 'QAHT_ERR_ABORTED'
  | 'QAHT_ERR_USAGE'
  | 'QAHT_ERR_CACHE_DIR'
  | 'QAHT_ERR_BUDGET_EXHAUSTED'
  | 'QAHT_ERR_NO_DATA'
  | 'QAHT_ERR_LOCK_TIMEOUT'
  | 'QAHT_ERR_STORE_UNAVAILABLE'
  /** The API answered that the request needs a paid plan: nothing to learn about its health or pace. */
  | 'QAHT_ERR_NOT_ON_PLAN'
  /** A wait (a pacing slot, a block) would outlive the run's deadline: the request was not sent. */
  | 'QAHT_ERR_DEADLINE';

export interface QahtErrorOptions {
  cause?: unknown;
  /** The request URL, with secrets already redacted by the caller. */
  url?: string;
  status?: number;
  /** How long the caller should wait before trying again, when known (Retry-After, open breaker). */
  retryAfterMs?: number;
}

export class QahtError extends Error {
  override name = 'QahtError';
  readonly code: QahtErrorCode;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: QahtErrorCode, message: string, options: QahtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.url = options.url;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Thrown by an open (or saturated half-open) breaker without calling the wrapped function. */
export class CircuitOpenError extends QahtError {
  override name = 'CircuitOpenError';
  override readonly retryAfterMs: number;
  /** @param options.host names the failing host in the message, so a status line says who is down. */
  constructor(retryAfterMs: number, options: Omit<QahtErrorOptions, 'retryAfterMs'> & { host?: string } = {}) {
    const who = options.host ? ` for ${options.host} after repeated failures` : '';
    super('QAHT_ERR_CIRCUIT_OPEN', `circuit open${who}; next try in ${Math.ceil(retryAfterMs / 1000)}s`, {
      ...options,
      retryAfterMs,
    });
    this.retryAfterMs = retryAfterMs;
  }
}

/** Guard that also matches errors from another realm or copy of the package, by code. */
export function isQahtError(error: unknown): error is QahtError {
  return (
    error instanceof QahtError ||
    (typeof error === 'object' &&
      error !== null &&
      typeof (error as { code?: unknown }).code === 'string' &&
      String((error as { code: string }).code).startsWith('QAHT_ERR_'))
  );
}

export function isCircuitOpenError(error: unknown): error is CircuitOpenError {
  return isQahtError(error) && error.code === 'QAHT_ERR_CIRCUIT_OPEN';
}

/** True for the error of a shared store that is down (as opposed to a bug in a caller): the file store takes over. */
export function isStoreUnavailable(error: unknown): boolean {
  return isQahtError(error) && error.code === 'QAHT_ERR_STORE_UNAVAILABLE';
}

/**
 * HTTP statuses worth retrying: the request may succeed unchanged later. Every 5xx (CDN 52x
 * included) but 501 Not Implemented and 505 HTTP Version Not Supported, which never will.
 */
function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 425 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/**
 * Whether retrying the same idempotent request may succeed. Open breakers, aborts, bad data,
 * missing keys and client errors are final; timeouts, connection failures, 429 and 5xx are not.
 */
export function isRetryableError(error: unknown): boolean {
  if (!isQahtError(error)) return false;
  switch (error.code) {
    case 'QAHT_ERR_TIMEOUT':
    case 'QAHT_ERR_CONNECTION':
    case 'QAHT_ERR_RATE_LIMITED':
      return true;
    case 'QAHT_ERR_HTTP_STATUS':
      return error.status !== undefined && isRetryableStatus(error.status);
    default:
      return false;
  }
}

import { isQahtError, QahtError, type QahtErrorCode, type QahtErrorOptions } from '../../errors.js';
import { redactSecrets } from '../../redact.js';
import type { AttemptContext, ChainResponse, Step } from '../chain.js';
import { classifyStatus } from '../classify-error.js';

/**
 * A 2xx answer the source's `classify` rejected (a soft rate limit, an error body). It keeps the
 * source's code and status (a soft limit reads as a 429 to retry, limiter and breaker) and
 * remembers the status that was on the wire.
 */
export class RejectedResponseError extends QahtError {
  /** The HTTP status of the rejected answer (usually 200). */
  readonly httpStatus: number;

  constructor(code: QahtErrorCode, message: string, options: QahtErrorOptions & { httpStatus: number }) {
    super(code, message, options);
    this.httpStatus = options.httpStatus;
  }
}

/** Whether `error` is a 2xx answer its source rejected (a soft limit when it is a rate limit). */
export function isRejectedResponse(error: unknown): error is RejectedResponseError {
  return error instanceof RejectedResponseError;
}

/** The status that was on the wire for a failed attempt: 200 for a rejected 2xx, else the error's. */
export function httpStatusOf(error: QahtError): number | undefined {
  return isRejectedResponse(error) ? error.httpStatus : error.status;
}

/**
 * Judges the final answer (after redirects), inside the attempt and before any feedback: a
 * non-2xx status is its classified error (429 and 418 are rate limits, with the Retry-After the
 * headers gave), and a 2xx goes to the source's `classify`, whose error fails the attempt.
 */
export function createClassifyStep(): Step {
  return (next) => async (context) => {
    const response = await next(context);
    if (response.status < 200 || response.status >= 300) {
      throw classifyStatus(response.status, {
        url: response.url,
        snippet: response.text,
        secrets: context.secrets,
        method: context.method,
        ...(response.retryAfterMs === undefined ? {} : { retryAfterMs: response.retryAfterMs }),
      });
    }
    if (!context.classify) return response;
    let verdict: unknown;
    try {
      verdict = context.classify(response);
    } catch (error) {
      verdict = error;
    }
    if (verdict === undefined) return response;
    throw rejection(verdict, response, context);
  };
}

function rejection(verdict: unknown, response: ChainResponse, context: AttemptContext): RejectedResponseError {
  const error = isQahtError(verdict)
    ? verdict
    : new QahtError('QAHT_ERR_INVALID_DATA', `response check failed for ${context.method} ${response.url}: ${String(verdict)}`, {
        cause: verdict,
      });
  const retryAfterMs = error.retryAfterMs ?? response.retryAfterMs;
  // The source's message may quote the body, and a body may echo a key back: one redaction here
  // covers every source.
  return new RejectedResponseError(error.code, redactSecrets(error.message, context.secrets), {
    url: error.url ?? response.url,
    cause: error,
    httpStatus: response.status,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

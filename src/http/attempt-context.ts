import { QahtError } from '../errors.js';
import { redactUrl, secretsInUrl } from '../redact.js';
import type { AttemptContext } from './chain.js';
import { ACCEPT_ENCODING } from './read-body.js';
import type { HttpMethod, RequestOptions } from './types.js';

/** A request's method and body: a plain GET has none. */
export interface RequestPayload {
  method: HttpMethod;
  body?: string;
  contentType?: string;
}

/** What the client contributes to every request. */
export interface ContextDefaults {
  timeoutMs: number;
  userAgent: string;
}

/**
 * The chain's view of one request: the parsed target, its secrets (the caller's plus key-like
 * query values, since an API may echo the URL back in an error body), the redacted URL every
 * message shows, and the headers for its own origin and for any other.
 * @throws QahtError QAHT_ERR_USAGE for a URL that does not parse or is not http(s).
 */
export function buildAttemptContext(
  url: string,
  options: RequestOptions,
  accept: string,
  defaults: ContextDefaults,
  payload: RequestPayload = { method: 'GET' },
): AttemptContext {
  const target = parseTarget(url, options.secrets);
  const secrets = [...(options.secrets ?? []), ...secretsInUrl(target)];
  const headers =
    payload.body === undefined ? options.headers : { 'content-type': payload.contentType ?? 'application/json', ...options.headers };
  return {
    target,
    host: target.host,
    safeUrl: redactUrl(target, secrets),
    secrets,
    source: options.source,
    method: payload.method,
    body: payload.body,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    classify: options.classify,
    onPaced: options.onPaced,
    headers: requestHeaders(defaults.userAgent, accept, headers),
    crossOriginHeaders: requestHeaders(defaults.userAgent, accept),
    url: target,
  };
}

function requestHeaders(userAgent: string, accept: string, callerHeaders?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': userAgent, accept, 'accept-encoding': ACCEPT_ENCODING };
  for (const [name, value] of Object.entries(callerHeaders ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

function parseTarget(url: string, secrets: readonly string[] | undefined): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch (cause) {
    throw new QahtError('QAHT_ERR_USAGE', `invalid URL: ${redactUrl(url, secrets)}`, { cause });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new QahtError('QAHT_ERR_USAGE', `unsupported URL scheme ${target.protocol} in ${redactUrl(target, secrets)}`);
  }
  return target;
}

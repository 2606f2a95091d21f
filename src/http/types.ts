/**
 * The contract between source adapters and the HTTP client. Adapters depend on this interface
 * only, so they can be unit-tested with a stub and run through the real client in production.
 */
export interface RequestOptions {
  /** Extra request headers (API keys go here or in the URL; both are redacted in errors). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Overall deadline for one attempt, in ms. @default the client's timeoutMs */
  timeoutMs?: number;
  /** Conditional GET validators from a cached entry. */
  etag?: string;
  lastModified?: string;
  /** Source name (`coingecko`, `hn`, ...) used as a metrics label. */
  source?: string;
  /** Secret values (API keys) to scrub from any URL or message the client reports. */
  secrets?: readonly string[];
  /** Retries after the first attempt. @default the client's maxRetries */
  maxRetries?: number;
}

/** One full HTTP response, body read as text (after decompression). */
export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Empty for a 304. */
  text: string;
  /** The final URL after redirects, secrets redacted. */
  url: string;
  /** True when the server answered 304 to a conditional request. */
  notModified: boolean;
}

/** What a source adapter needs from HTTP. `AsyncAPIClient` implements it. */
export interface HttpGetter {
  /** GET returning the full response for 2xx and 304; throws a classified QahtError otherwise. */
  request(url: string, options?: RequestOptions): Promise<HttpResponse>;
  /** GET and parse JSON; a body that is not JSON throws QAHT_ERR_INVALID_DATA. */
  fetchJson<T = unknown>(url: string, options?: RequestOptions): Promise<T>;
  /** GET and return the body text. */
  fetchText(url: string, options?: RequestOptions): Promise<string>;
  /**
   * Tells the client that a response it delivered as a success was a rate limit in disguise (Alpha
   * Vantage's `Information`, GDELT's "limit requests" page, both at HTTP 200), so the host's limiter
   * and breaker learn from it as from a 429.
   */
  reportRateLimit?(url: string, retryAfterMs?: number): void;
}

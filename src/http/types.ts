import type { QahtError } from '../errors.js';

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
  /** Source name (`coingecko`, `hn`, ...), carried by the client's events and metrics as a label. */
  source?: string;
  /** Secret values (API keys) to scrub from any URL or message the client reports. */
  secrets?: readonly string[];
  /** Retries after the first attempt. @default the client's maxRetries */
  maxRetries?: number;
  /**
   * The source's judgement of a 2xx answer, run inside each attempt before the limiter and the
   * breaker hear of it: an error returned (or thrown) makes the attempt fail with it. A soft rate
   * limit ("slow down" at HTTP 200) is returned as `QAHT_ERR_RATE_LIMITED`, so the host is paced
   * and counted as for a 429 and the retry policy applies; it never reaches the caller as data.
   */
  classify?: (response: HttpResponse) => QahtError | undefined;
  /**
   * Called each time an attempt has had its turn on the host's limiter and goes on to be sent: a
   * caller with a deadline of its own can tell "still waiting for its pacing slot" (the API's
   * policy, not the host being slow) from "sent and not answered".
   */
  onPaced?: () => void;
}

/** The methods the client sends: GET for every source, POST for webhooks. */
export type HttpMethod = 'GET' | 'POST';

/** A POST: its body and what it is, on top of the usual request options. */
export interface PostOptions extends RequestOptions {
  /** `Content-Type` of the body. @default 'application/json' */
  contentType?: string;
}

/** One full HTTP response, body read as text (after decompression). */
export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** The final URL after redirects, secrets redacted. */
  url: string;
}

/**
 * What a source adapter needs from HTTP. `AsyncAPIClient` implements it; every implementation
 * runs `RequestOptions.classify` on a 2xx answer and throws what it returns.
 */
export interface HttpGetter {
  /** GET returning the full response for 2xx; throws a classified QahtError otherwise. */
  request(url: string, options?: RequestOptions): Promise<HttpResponse>;
  /** GET and parse JSON; a body that is not JSON throws QAHT_ERR_INVALID_DATA. */
  fetchJson<T = unknown>(url: string, options?: RequestOptions): Promise<T>;
  /** GET and return the body text. */
  fetchText(url: string, options?: RequestOptions): Promise<string>;
}

/**
 * A client that can also POST (webhooks). A POST takes the same chain as a GET (breaker, pacing,
 * deadline, classification) and the same retry rules; it follows no redirect, since a 301/302
 * would turn it into a GET and a 307 would send the body to a place the user did not name.
 */
export interface HttpPoster {
  /** POST `body`; resolves for 2xx, throws a classified QahtError otherwise. */
  post(url: string, body: string, options?: PostOptions): Promise<HttpResponse>;
}

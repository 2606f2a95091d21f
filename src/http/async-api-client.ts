import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { CircuitOpenError, isCircuitOpenError, isQahtError, QahtError } from '../errors.js';
import type { PerformanceMonitor } from '../perf/performance-monitor.js';
import { AdaptiveRateLimiter } from '../resilience/adaptive-rate-limiter.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { JitterMode } from '../resilience/backoff.js';
import { retry } from '../resilience/retry.js';
import { systemClock, type Clock } from '../time/clock.js';
import { abortedError, classifyStatus, classifyTransportError, closedError, isHostFailure, toQahtError } from './classify-error.js';
import { CLIENT_DEFAULTS, type AsyncAPIClientOptions, type HttpLogger } from './client-options.js';
import { parseJsonBody } from './parse-json.js';
import { readRateLimitSignals, type RateLimitSignals } from './rate-limit-headers.js';
import { ACCEPT_ENCODING, discardBody, dropBody, flattenHeaders, readBodyCapped, readBodySnippet } from './read-body.js';
import { redactUrl, secretsInUrl } from '../redact.js';
import type { HttpGetter, HttpResponse, RequestOptions } from './types.js';
import { defaultUserAgent } from './user-agent.js';

export type { AsyncAPIClientOptions, HttpLogger } from './client-options.js';

/** One `fetchBatch` result, in the position of its URL. */
export type BatchResult<T = unknown> = { ok: true; value: T } | { ok: false; error: QahtError };

type Outcome = { response: HttpResponse } | { error: QahtError };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MINUTE_MS = 60_000;

/**
 * The HTTP client every source goes through: one undici keep-alive pool, and per attempt
 * breaker(host) → limiter.wait(host) → GET → limiter/breaker feedback, wrapped in `retry`.
 * Failures are QahtErrors whose URL and message never contain a secret.
 */
export class AsyncAPIClient implements HttpGetter {
  /** The per-host pacing this client feeds (shared with the state store). */
  readonly limiter: AdaptiveRateLimiter;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #breakerFor: (host: string) => CircuitBreaker;
  readonly #agent: Agent;
  readonly #clock: Clock;
  readonly #monitor: PerformanceMonitor | undefined;
  readonly #logger: HttpLogger | undefined;
  readonly #timeoutMs: number;
  /** Explicit headers/body timeouts; each defaults to the attempt's own deadline. */
  readonly #headersTimeoutMs: number | undefined;
  readonly #bodyTimeoutMs: number | undefined;
  readonly #maxResponseBytes: number;
  readonly #maxRetries: number;
  readonly #retryBaseDelayMs: number;
  readonly #retryMaxDelayMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #jitter: JitterMode | undefined;
  readonly #maxRedirects: number;
  readonly #userAgent: string | undefined;
  /** Last `X-MBX-USED-WEIGHT-1M` per host, to estimate what one request costs. */
  readonly #lastWeight = new Map<string, { minute: number; used: number }>();
  #closed = false;

  constructor(options: AsyncAPIClientOptions = {}) {
    const d = CLIENT_DEFAULTS;
    this.#clock = options.clock ?? systemClock;
    this.#monitor = options.monitor;
    this.#logger = options.logger;
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs ?? d.timeoutMs);
    this.#headersTimeoutMs = options.headersTimeoutMs === undefined ? undefined : positive('headersTimeoutMs', options.headersTimeoutMs);
    this.#bodyTimeoutMs = options.bodyTimeoutMs === undefined ? undefined : positive('bodyTimeoutMs', options.bodyTimeoutMs);
    this.#maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes ?? d.maxResponseBytes);
    this.#maxRetries = options.maxRetries ?? d.maxRetries;
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? d.retryBaseDelayMs;
    this.#retryMaxDelayMs = options.retryMaxDelayMs ?? d.retryMaxDelayMs;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? d.maxRetryAfterMs;
    this.#jitter = options.jitter;
    this.#maxRedirects = options.maxRedirects ?? d.maxRedirects;
    this.#userAgent = options.userAgent;
    this.limiter = options.limiter ?? new AdaptiveRateLimiter({ defaultDelayMs: 0, clock: this.#clock });
    this.#breakerFor = options.breakerFor ?? (() => new CircuitBreaker({ clock: this.#clock }));
    this.#agent = new Agent({
      connections: positive('maxConnections', options.maxConnections ?? d.maxConnections),
      connectTimeout: positive('connectTimeoutMs', options.connectTimeoutMs ?? d.connectTimeoutMs),
    });
  }

  /** The breaker of every host this client has called, keyed by `host:port`. */
  get breakers(): ReadonlyMap<string, CircuitBreaker> {
    return this.#breakers;
  }

  /** GET with retries; resolves for 2xx and 304, throws a classified QahtError otherwise. */
  request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.#get(url, options, '*/*');
  }

  /** GET and parse JSON; HTML or unparseable bodies throw `QAHT_ERR_INVALID_DATA`. */
  async fetchJson<T = unknown>(url: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.#get(url, options, 'application/json');
    return parseJsonBody<T>(response, options.secrets);
  }

  /** GET and return the decoded body text. */
  async fetchText(url: string, options: RequestOptions = {}): Promise<string> {
    return (await this.#get(url, options, 'text/*, application/xml;q=0.9, */*;q=0.8')).text;
  }

  /**
   * Fetches JSON from every URL at once (hosts run in parallel; each host's limiter paces its own
   * requests). Never rejects: one result per URL, in input order.
   */
  fetchBatch<T = unknown>(urls: readonly string[], options: RequestOptions = {}): Promise<Array<BatchResult<T>>> {
    return Promise.all(
      urls.map(async (url): Promise<BatchResult<T>> => {
        try {
          return { ok: true, value: await this.fetchJson<T>(url, options) };
        } catch (error) {
          return { ok: false, error: toQahtError(error, redactUrl(url, options.secrets)) };
        }
      }),
    );
  }

  /** Destroys the connection pool, failing requests still in flight. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.destroy();
  }

  async #get(url: string, given: RequestOptions, accept: string): Promise<HttpResponse> {
    const target = parseTarget(url, given.secrets);
    if (this.#closed) throw closedError(redactUrl(target, given.secrets));
    // Key-like query values count as secrets too: an API may echo the URL back in an error body.
    const secrets = [...(given.secrets ?? []), ...secretsInUrl(target)];
    const options: RequestOptions = { ...given, secrets };
    const safeUrl = redactUrl(target, secrets);
    const signal = options.signal;
    try {
      return await retry(() => this.#attempt(target, options, accept, safeUrl), {
        maxRetries: options.maxRetries ?? this.#maxRetries,
        baseDelayMs: this.#retryBaseDelayMs,
        maxDelayMs: this.#retryMaxDelayMs,
        maxRetryAfterMs: this.#maxRetryAfterMs,
        clock: this.#clock,
        ...(signal ? { signal } : {}),
        ...(this.#jitter ? { jitter: this.#jitter } : {}),
        onRetry: ({ attempt, delayMs, error }) => {
          this.#monitor?.increment('http.retries');
          this.#logger?.debug(
            { url: safeUrl, attempt, delayMs: Math.round(delayMs), code: isQahtError(error) ? error.code : undefined },
            'retrying request',
          );
        },
      });
    } catch (error) {
      if (signal?.aborted) throw abortedError(safeUrl, signal, error);
      throw toQahtError(error, safeUrl, secrets);
    }
  }

  /** One attempt: breaker, limiter, request, feedback. */
  async #attempt(target: URL, options: RequestOptions, accept: string, safeUrl: string): Promise<HttpResponse> {
    const host = target.host;
    this.#failIfBlockedTooLong(host, safeUrl);
    const breaker = this.#breaker(host);
    const admit = (): void => {
      try {
        breaker.tryAcquire();
      } catch (error) {
        this.#monitor?.increment('http.breaker_rejected');
        if (isCircuitOpenError(error)) throw new CircuitOpenError(error.retryAfterMs, { url: safeUrl, cause: error, host });
        throw error;
      }
    };
    // An open breaker rejects before any pacing wait; a half-open probe is admitted only once its
    // slot comes, so the wait (which grows during an outage) does not eat the probe's time limit.
    if (breaker.retryAfterMs() > 0) admit();
    await this.limiter.wait(host, options.signal);
    admit();
    this.#monitor?.increment('http.requests');
    const run = (): Promise<Outcome> =>
      this.#send(target, options, accept, safeUrl).then(
        (response) => ({ response }),
        // Requests cut off by close() say nothing about the host.
        (error: unknown) => ({ error: this.#closed ? closedError(safeUrl, error) : toQahtError(error, safeUrl, options.secrets) }),
      );
    const outcome = this.#monitor ? await this.#monitor.time(`http.${host}`, run) : await run();
    this.#feedback(host, breaker, outcome);
    if ('error' in outcome) throw outcome.error;
    return outcome.response;
  }

  /** A soft rate limit found in a 2xx body by the caller: the host learns it as a 429. */
  reportRateLimit(url: string, retryAfterMs?: number): void {
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      return;
    }
    this.#monitor?.increment('http.429');
    this.#monitor?.increment(`http.429.${host}`);
    this.limiter.onRateLimit(host, retryAfterMs);
    this.#breaker(host).recordFailure();
  }

  /** Tells the limiter and the breaker how the host behaved. */
  #feedback(host: string, breaker: CircuitBreaker, outcome: Outcome): void {
    if ('response' in outcome) {
      this.limiter.onSuccess(host);
      breaker.recordSuccess();
      return;
    }
    const error = outcome.error;
    // An abort says nothing about the host. (A half-open probe left unreported expires by itself.)
    if (error.code === 'QAHT_ERR_ABORTED') return;
    this.#monitor?.recordError(`http.${host}`);
    if (error.retryAfterMs !== undefined) this.limiter.blockUntil(host, this.#clock.now() + error.retryAfterMs);
    if (error.code === 'QAHT_ERR_RATE_LIMITED') {
      this.#monitor?.increment('http.429');
      this.#monitor?.increment(`http.429.${host}`);
      this.limiter.onRateLimit(host, error.retryAfterMs);
      breaker.recordFailure();
    } else if (isHostFailure(error)) {
      this.limiter.onError(host);
      breaker.recordFailure();
    } else {
      // The host answered (404, 451, a body too large...): it is up, and our pace was accepted.
      this.limiter.onSuccess(host);
      breaker.recordSuccess();
    }
  }

  /**
   * A host blocked (Retry-After, an exhausted budget, possibly from an earlier run) for longer
   * than we would ever wait fails at once instead of sleeping through the run.
   */
  #failIfBlockedTooLong(host: string, safeUrl: string): void {
    const blockedUntil = this.limiter.blockedUntil(host);
    const waitMs = blockedUntil - this.#clock.now();
    if (waitMs > this.#maxRetryAfterMs) {
      throw new QahtError(
        'QAHT_ERR_RATE_LIMITED',
        `GET ${safeUrl} not sent: ${host} is rate-limited for another ${Math.ceil(waitMs / 1000)}s`,
        {
          url: safeUrl,
          retryAfterMs: waitMs,
        },
      );
    }
  }

  #breaker(host: string): CircuitBreaker {
    let breaker = this.#breakers.get(host);
    if (!breaker) {
      breaker = this.#breakerFor(host);
      this.#breakers.set(host, breaker);
      breaker.onStateChange(({ from, to }) => {
        // Debug only: the runtime that owns the breakers reports transitions to the user.
        this.#logger?.debug({ host, from, to }, `circuit breaker for ${host} is now ${to}`);
        // A host that recovered from an outage starts over at its starting pace: the delay the
        // limiter grew during the outage measured the outage, not the API's rate limit.
        if (from === 'HALF_OPEN' && to === 'CLOSED') this.limiter.resetDelay(host);
      });
    }
    return breaker;
  }

  /** Sends the GET (following redirects) under one deadline and reads the body. */
  async #send(target: URL, options: RequestOptions, accept: string, targetSafeUrl: string): Promise<HttpResponse> {
    const secrets = options.secrets ?? [];
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const userSignal = options.signal;
    // An AbortSignal handed to undici costs a fifth of the client's throughput (client-overhead
    // benchmark), so one is made only when the caller can abort. Without it the overall deadline
    // works by racing the request (undici's own headersTimeout, set to the same deadline, then
    // frees it) and by destroying the body being read.
    const controller = userSignal ? new AbortController() : undefined;
    let current = target;
    let body: Readable | undefined;
    let deadlineError: QahtError | undefined;
    let rejectDeadline: (error: QahtError) => void = () => undefined;
    const deadline = new Promise<never>((_, reject) => {
      rejectDeadline = reject;
    });
    deadline.catch(() => undefined);
    const timer = setTimeout(() => {
      const url = redactUrl(current, secrets);
      deadlineError = new QahtError('QAHT_ERR_TIMEOUT', `no complete response within ${timeoutMs} ms for GET ${url}`, { url });
      controller?.abort(deadlineError);
      rejectDeadline(deadlineError);
      if (body && !body.destroyed) body.destroy(deadlineError);
    }, timeoutMs);
    const onAbort = (): void => controller?.abort(abortedError(redactUrl(current, secrets), userSignal as AbortSignal));
    if (userSignal?.aborted) onAbort();
    else userSignal?.addEventListener('abort', onAbort, { once: true });
    let headers = this.#requestHeaders(options, accept, true);
    try {
      for (let redirects = 0; ; redirects++) {
        const pending = this.#agent.request({
          origin: current.origin,
          path: `${current.pathname}${current.search}`,
          method: 'GET',
          headers,
          ...(controller ? { signal: controller.signal } : {}),
          headersTimeout: this.#headersTimeoutMs ?? timeoutMs,
          bodyTimeout: this.#bodyTimeoutMs ?? timeoutMs,
        });
        // A response that arrives after the deadline won the race is dropped, freeing its connection.
        pending.then(
          (late) => {
            if (deadlineError) dropBody(late.body);
          },
          () => undefined,
        );
        const res = await Promise.race([pending, deadline]);
        body = res.body;
        const status = res.statusCode;
        const resHeaders = flattenHeaders(res.headers);
        const signals = this.#applyRateLimitHeaders(current.host, resHeaders);
        // Redaction parses and re-serialises the URL: do it again only after a redirect.
        const url = current === target ? targetSafeUrl : redactUrl(current, secrets);
        const location = resHeaders['location'];
        if (REDIRECT_STATUSES.has(status) && location) {
          await discardBody(res.body);
          if (redirects >= this.#maxRedirects) {
            throw new QahtError(
              'QAHT_ERR_HTTP_STATUS',
              `too many redirects (more than ${this.#maxRedirects}) for GET ${redactUrl(target, secrets)}`,
              { url, status },
            );
          }
          const next = new URL(location, current);
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw new QahtError('QAHT_ERR_HTTP_STATUS', `refusing redirect to ${next.protocol} from GET ${url}`, { url, status });
          }
          // Caller headers may hold API keys meant for the original origin only.
          if (next.origin !== current.origin) headers = this.#requestHeaders(options, accept, false);
          current = next;
          continue;
        }
        if (status === 304) {
          await discardBody(res.body);
          return { status, headers: resHeaders, text: '', url, notModified: true };
        }
        if (status >= 200 && status < 300) {
          const encoding = resHeaders['content-encoding'];
          const declared = Number(resHeaders['content-length']);
          if (!encoding && declared > this.#maxResponseBytes) {
            dropBody(res.body);
            throw new QahtError(
              'QAHT_ERR_RESPONSE_TOO_LARGE',
              `response from GET ${url} is ${declared} bytes, over the ${this.#maxResponseBytes} limit`,
              { url, status },
            );
          }
          const body = await readBodyCapped(res.body, encoding, this.#maxResponseBytes, url);
          return { status, headers: resHeaders, text: body.toString('utf8'), url, notModified: false };
        }
        const snippet = await readBodySnippet(res.body, resHeaders['content-encoding'], CLIENT_DEFAULTS.errorSnippetBytes);
        throw classifyStatus(status, {
          url,
          snippet,
          secrets,
          ...(signals.retryAfterMs === undefined ? {} : { retryAfterMs: signals.retryAfterMs }),
        });
      }
    } catch (error) {
      if (isQahtError(error)) throw error;
      // Our own deadline or the caller's abort: undici usually rejects with the reason itself,
      // but a stream torn down mid-body may surface a generic premature-close error instead.
      if (deadlineError) throw deadlineError;
      const reason: unknown = controller?.signal.reason;
      if (controller?.signal.aborted && isQahtError(reason)) throw reason;
      throw classifyTransportError(error, { url: redactUrl(current, secrets), secrets });
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', onAbort);
    }
  }

  #requestHeaders(options: RequestOptions, accept: string, includeCallerHeaders: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': this.#userAgent ?? defaultUserAgent(),
      accept,
      'accept-encoding': ACCEPT_ENCODING,
    };
    if (!includeCallerHeaders) return headers;
    if (options.etag) headers['if-none-match'] = options.etag;
    if (options.lastModified) headers['if-modified-since'] = options.lastModified;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  /** Applies what the response headers say about the host's budget to its limiter. */
  #applyRateLimitHeaders(host: string, headers: Record<string, string>): RateLimitSignals {
    const now = this.#clock.now();
    const signals = readRateLimitSignals(headers, now, this.#estimateRequestWeight(host, headers, now));
    if (signals.blockUntilMs !== undefined) this.limiter.blockUntil(host, signals.blockUntilMs);
    // Headers may only slow a host down; speeding up is the limiter's own decision.
    if (signals.paceMs !== undefined && signals.paceMs > this.limiter.delayMs(host)) this.limiter.setPace(host, signals.paceMs);
    return signals;
  }

  /** Weight of the last request, from the growth of Binance's used-weight counter (at least 1). */
  #estimateRequestWeight(host: string, headers: Record<string, string>, now: number): number {
    const used = Number(headers['x-mbx-used-weight-1m']);
    if (!Number.isFinite(used)) return 1;
    const minute = Math.floor(now / MINUTE_MS);
    const last = this.#lastWeight.get(host);
    this.#lastWeight.set(host, { minute, used });
    return last && last.minute === minute && used > last.used ? used - last.used : 1;
  }
}

/** Builds an `AsyncAPIClient` (the factory the runtime wiring uses). */
export function createHttpClient(options: AsyncAPIClientOptions = {}): AsyncAPIClient {
  return new AsyncAPIClient(options);
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

function positive(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`AsyncAPIClient: expected ${option} to be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

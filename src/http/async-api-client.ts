import { Agent } from 'undici';
import { isQahtError, type QahtError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { AdaptiveRateLimiter } from '../resilience/adaptive-rate-limiter.js';
import type { JitterMode } from '../resilience/backoff.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { retry } from '../resilience/retry.js';
import { systemClock, type Clock } from '../time/clock.js';
import { buildAttemptContext, type RequestPayload } from './attempt-context.js';
import type { Attempt } from './chain.js';
import { abortedError, closedError, toQahtError } from './classify-error.js';
import { createClientChain } from './client-chain.js';
import type {
  AttemptEvent,
  BreakerRejectionEvent,
  Disposer,
  PacingEvent,
  QueueEvent,
  RateLimitEvent,
  RetryEvent,
} from './client-events.js';
import { ClientEvents } from './client-events.js';
import { recordClientEvents } from './client-metrics.js';
import { CLIENT_DEFAULTS, type AsyncAPIClientOptions } from './client-options.js';
import { HostBreakers } from '../resilience/host-breakers.js';
import type { HostBreaker, HostPacing } from '../resilience/host-policies.js';
import { parseJsonBody } from './parse-json.js';
import type { HttpGetter, HttpPoster, HttpResponse, PostOptions, RequestOptions } from './types.js';
import { defaultUserAgent } from './user-agent.js';

export type { AsyncAPIClientOptions, HttpLogger } from './client-options.js';

/** One `fetchBatch` result, in the position of its URL. */
export type BatchResult<T = unknown> = { ok: true; value: T } | { ok: false; error: QahtError };

/**
 * The HTTP client every source goes through: one undici keep-alive pool and the per-attempt
 * chain of small steps (`client-chain.ts`), wrapped in `retry`. Events (`on…`, each returning a
 * disposer) are emitted by the steps where things happen; the monitor and logger given in the
 * options are fed from them. Failures are QahtErrors whose URL and message never contain a secret.
 */
export class AsyncAPIClient implements HttpGetter, HttpPoster {
  /** The per-host pacing this client feeds (shared with the state store). */
  readonly limiter: HostPacing;
  readonly #breakers: HostBreakers;
  readonly #events = new ClientEvents();
  readonly #agent: Agent;
  readonly #attempt: Attempt;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #retry: { maxRetries: number; baseDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number; jitter: JitterMode | undefined };
  #closed = false;

  constructor(options: AsyncAPIClientOptions = {}) {
    const d = CLIENT_DEFAULTS;
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs ?? d.timeoutMs);
    this.#userAgent = options.userAgent ?? defaultUserAgent();
    const maxRetryAfterMs = options.maxRetryAfterMs ?? d.maxRetryAfterMs;
    this.#retry = {
      maxRetries: options.maxRetries ?? d.maxRetries,
      baseDelayMs: options.retryBaseDelayMs ?? d.retryBaseDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? d.retryMaxDelayMs,
      maxRetryAfterMs,
      jitter: options.jitter,
    };
    this.limiter = options.limiter ?? new AdaptiveRateLimiter({ defaultDelayMs: 0, clock });
    this.#breakers =
      options.breakers ??
      new HostBreakers(options.breakerFor ?? (() => new CircuitBreaker({ clock })), this.limiter, ({ host, from, to }) =>
        options.logger?.debug({ host, from, to }, `circuit breaker for ${host} is now ${to}`),
      );
    this.#agent = new Agent({
      connections: positive('maxConnections', options.maxConnections ?? d.maxConnections),
      connectTimeout: positive('connectTimeoutMs', options.connectTimeoutMs ?? d.connectTimeoutMs),
    });
    this.#attempt = createClientChain({
      agent: this.#agent,
      limiter: this.limiter,
      breakers: this.#breakers,
      events: this.#events,
      clock,
      maxRetryAfterMs,
      maxSlotWaitMs: options.maxSlotWaitMs ?? Number.POSITIVE_INFINITY,
      maxRedirects: options.maxRedirects ?? d.maxRedirects,
      transport: {
        maxResponseBytes: positive('maxResponseBytes', options.maxResponseBytes ?? d.maxResponseBytes),
        errorSnippetBytes: d.errorSnippetBytes,
        headersTimeoutMs: optionalPositive('headersTimeoutMs', options.headersTimeoutMs),
        bodyTimeoutMs: optionalPositive('bodyTimeoutMs', options.bodyTimeoutMs),
        isClosed: () => this.#closed,
      },
    });
    recordClientEvents(this.#events, {
      ...(options.monitor ? { monitor: options.monitor } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /** The breaker of every host this client has called, keyed by `host:port`. */
  get breakers(): ReadonlyMap<string, HostBreaker> {
    return this.#breakers.all;
  }

  /** Every attempt the breaker admitted, once it settles (duration, status, failure code). */
  onAttempt(listener: (event: AttemptEvent) => void): Disposer {
    return this.#events.attempt.on(listener);
  }

  /** Every rate limit a host answered (HTTP 429/418, or a soft limit its source found at 2xx). */
  onRateLimit(listener: (event: RateLimitEvent) => void): Disposer {
    return this.#events.rateLimit.on(listener);
  }

  /** Every retry the policy schedules. */
  onRetry(listener: (event: RetryEvent) => void): Disposer {
    return this.#events.retry.on(listener);
  }

  /** Every attempt an open breaker refused without sending it. */
  onBreakerRejection(listener: (event: BreakerRejectionEvent) => void): Disposer {
    return this.#events.breakerRejection.on(listener);
  }

  /** Every attempt that waited for its slot on the host's limiter. */
  onPacing(listener: (event: PacingEvent) => void): Disposer {
    return this.#events.pacing.on(listener);
  }

  /** Every attempt before and after its wait for the host's limiter (what a progress line says it waits for). */
  onQueue(listener: (event: QueueEvent) => void): Disposer {
    return this.#events.queue.on(listener);
  }

  /** GET with retries; resolves for 2xx, throws a classified QahtError otherwise. */
  request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.#get(url, options, '*/*');
  }

  /**
   * POST `body` (a webhook) through the same chain and retry rules as a GET; no redirect is
   * followed (see `HttpPoster`). Resolves for 2xx, throws a classified QahtError otherwise.
   */
  post(url: string, body: string, options: PostOptions = {}): Promise<HttpResponse> {
    const payload: RequestPayload = { method: 'POST', body, ...(options.contentType ? { contentType: options.contentType } : {}) };
    return this.#send(url, options, '*/*', payload);
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

  #get(url: string, options: RequestOptions, accept: string): Promise<HttpResponse> {
    return this.#send(url, options, accept, { method: 'GET' });
  }

  async #send(url: string, options: RequestOptions, accept: string, payload: RequestPayload): Promise<HttpResponse> {
    const context = buildAttemptContext(url, options, accept, { timeoutMs: this.#timeoutMs, userAgent: this.#userAgent }, payload);
    if (this.#closed) throw closedError(context.safeUrl, undefined, context.method);
    const { signal } = options;
    try {
      const policy = this.#retry;
      const response = await retry(() => this.#attempt(context), {
        maxRetries: options.maxRetries ?? policy.maxRetries,
        baseDelayMs: policy.baseDelayMs,
        maxDelayMs: policy.maxDelayMs,
        maxRetryAfterMs: policy.maxRetryAfterMs,
        jitter: policy.jitter,
        clock: this.#clock,
        signal,
        onRetry: ({ attempt, delayMs, error }) =>
          this.#events.retry.emit({
            host: context.host,
            source: context.source,
            url: context.safeUrl,
            at: this.#clock.now(),
            attempt,
            delayMs,
            code: isQahtError(error) ? error.code : undefined,
          }),
      });
      return { status: response.status, headers: response.headers, text: response.text, url: response.url };
    } catch (error) {
      if (signal?.aborted) throw abortedError(context.safeUrl, signal, error, context.method);
      throw toQahtError(error, context.safeUrl, context.secrets, context.method);
    }
  }
}

function positive(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`AsyncAPIClient: expected ${option} to be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

function optionalPositive(option: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : positive(option, value);
}

import type { HttpGetter, HttpResponse, RequestOptions } from '../../src/http/types.js';
import type { CacheLookupRequest, CacheLookupResult, CommonOptions, Runtime } from '../../src/commands/runtime.js';
import { QahtError } from '../../src/errors.js';
import type { Env } from '../../src/sources/source-names.js';
import { ManualClock } from './manual-clock.js';

/** A canned HTTP reply for `StubHttp`, chosen by a URL predicate. */
export interface StubReply {
  match: (url: URL) => boolean;
  status?: number;
  body: string | ((url: URL) => string);
  headers?: Record<string, string>;
}

/**
 * An `HttpGetter` that answers from canned replies and records every URL asked for. Non-2xx replies
 * throw the same classified errors the real client throws, so adapters see realistic failures.
 */
export class StubHttp implements HttpGetter {
  readonly calls: URL[] = [];
  constructor(private readonly replies: StubReply[]) {}

  async request(url: string, _options?: RequestOptions): Promise<HttpResponse> {
    const parsed = new URL(url);
    this.calls.push(parsed);
    const reply = this.replies.find((r) => r.match(parsed));
    if (!reply) throw new QahtError('QAHT_ERR_HTTP_STATUS', `HTTP 404 from ${parsed.host}`, { status: 404, url });
    const status = reply.status ?? 200;
    if (status === 429) throw new QahtError('QAHT_ERR_RATE_LIMITED', `HTTP 429 from ${parsed.host}`, { status, url });
    if (status >= 400) throw new QahtError('QAHT_ERR_HTTP_STATUS', `HTTP ${status} from ${parsed.host}`, { status, url });
    const text = typeof reply.body === 'function' ? reply.body(parsed) : reply.body;
    return { status, headers: { 'content-type': 'application/json', ...reply.headers }, text, url, notModified: false };
  }

  async fetchText(url: string, options?: RequestOptions): Promise<string> {
    return (await this.request(url, options)).text;
  }

  async fetchJson<T = unknown>(url: string, options?: RequestOptions): Promise<T> {
    const text = await this.fetchText(url, options);
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new QahtError('QAHT_ERR_INVALID_DATA', `invalid JSON from ${new URL(url).host}`, { cause, url });
    }
  }
}

/**
 * A Runtime with an in-memory cache (no TTL games: every lookup fetches unless `offline`), a
 * ManualClock and a stub HTTP client. Enough to unit-test a command's wiring and its reports.
 */
export function createFakeRuntime(options: { http: HttpGetter; env?: Env; clock?: ManualClock }): Runtime & {
  warnings: string[];
  counters: Map<string, number>;
  budgetUsed: Map<string, number>;
} {
  const clock = options.clock ?? new ManualClock();
  const warnings: string[] = [];
  const counters = new Map<string, number>();
  const budgetUsed = new Map<string, number>();
  const store = new Map<string, { value: unknown; fetchedAt: number }>();
  return {
    env: options.env ?? {},
    clock,
    warnings,
    counters,
    budgetUsed,
    http: async () => options.http,
    cache: {
      async lookup<T>(request: CacheLookupRequest<T>): Promise<CacheLookupResult<T>> {
        // As the real cache: a value of the wrong shape is never served, and never stored.
        const stored = store.get(request.key);
        const entry = stored && (!request.validate || request.validate(stored.value)) ? stored : undefined;
        if (request.offline || !request.fetch) {
          return entry
            ? { status: 'stale', value: entry.value as T, fetchedAt: entry.fetchedAt, ageMs: clock.now() - entry.fetchedAt }
            : { status: 'failed', error: new QahtError('QAHT_ERR_NO_DATA', 'offline and nothing cached') };
        }
        try {
          const outcome = await request.fetch({});
          if (outcome.kind === 'not-modified') throw new Error('unexpected not-modified');
          if (request.validate && !request.validate(outcome.value))
            throw new QahtError('QAHT_ERR_INVALID_DATA', `${request.source} returned data of an unexpected shape`);
          store.set(request.key, { value: outcome.value, fetchedAt: clock.now() });
          return { status: 'fresh', value: outcome.value, fetchedAt: clock.now(), ageMs: 0 };
        } catch (error) {
          return entry
            ? { status: 'stale', value: entry.value as T, fetchedAt: entry.fetchedAt, ageMs: clock.now() - entry.fetchedAt, error }
            : { status: 'failed', error };
        }
      },
    },
    budgets: {
      async consume(name, amount, limit) {
        const used = budgetUsed.get(name) ?? 0;
        const granted = Math.max(0, Math.min(amount, limit - used));
        budgetUsed.set(name, used + granted);
        return granted;
      },
      async remaining(name, limit) {
        return Math.max(0, limit - (budgetUsed.get(name) ?? 0));
      },
    },
    progress: { start() {}, tick() {}, stop() {} },
    increment(name, by = 1) {
      counters.set(name, (counters.get(name) ?? 0) + by);
    },
    warn(message) {
      warnings.push(message);
    },
  };
}

export function commonOptions(overrides: Partial<CommonOptions> = {}): CommonOptions {
  return { forceRefresh: false, offline: false, sources: undefined, limit: undefined, interactive: false, ...overrides };
}

import type { HttpGetter, HttpResponse, RequestOptions } from '../../src/http/types.js';
import type { CommonOptions, Runtime } from '../../src/runtime/runtime.js';
import { QahtError } from '../../src/errors.js';
import { baseUrlsFor, type Env } from '../../src/sources/source-names.js';
import type { CacheLookup, CacheMode, CacheView, LookupOptions } from '../../src/store/cache-types.js';
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

  async request(url: string, options?: RequestOptions): Promise<HttpResponse> {
    const parsed = new URL(url);
    this.calls.push(parsed);
    // As the real client does once the attempt has its slot on the host's limiter.
    options?.onPaced?.();
    const reply = this.replies.find((r) => r.match(parsed));
    if (!reply) throw new QahtError('QAHT_ERR_HTTP_STATUS', `HTTP 404 from ${parsed.host}`, { status: 404, url });
    const status = reply.status ?? 200;
    if (status === 429) throw new QahtError('QAHT_ERR_RATE_LIMITED', `HTTP 429 from ${parsed.host}`, { status, url });
    if (status >= 400) throw new QahtError('QAHT_ERR_HTTP_STATUS', `HTTP ${status} from ${parsed.host}`, { status, url });
    const text = typeof reply.body === 'function' ? reply.body(parsed) : reply.body;
    const response: HttpResponse = { status, headers: { 'content-type': 'application/json', ...reply.headers }, text, url };
    // As the real client does: the source's check runs on every 2xx, and its error is the request's.
    const rejected = options?.classify?.(response);
    if (rejected) throw rejected;
    return response;
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

/** The fake runtime's cache: in memory, with a `mode` a test may switch between runs. */
export interface FakeCache extends CacheView {
  mode: CacheMode;
  /** Keys served `cached` (within their TTL, no fetch). */
  readonly hits: string[];
}

/**
 * A Runtime with an in-memory cache, a ManualClock and a stub HTTP client. Enough to unit-test a
 * command's wiring and its reports. The cache follows the disk cache's rules per mode (TTL,
 * force-refresh, offline, stale on failure) without files, locks or counters.
 */
export function createFakeRuntime(options: { http: HttpGetter; env?: Env; clock?: ManualClock; mode?: CacheMode }): Runtime & {
  cache: FakeCache;
  warnings: string[];
  counters: Map<string, number>;
  budgetUsed: Map<string, number>;
} {
  const clock = options.clock ?? new ManualClock();
  const warnings: string[] = [];
  const counters = new Map<string, number>();
  const budgetUsed = new Map<string, number>();
  const store = new Map<string, { value: unknown; fetchedAt: number }>();
  const cache: FakeCache = {
    mode: options.mode ?? 'normal',
    hits: [],
    async lookup<T>(request: LookupOptions<T>): Promise<CacheLookup<T>> {
      // As the real cache: a value of the wrong shape is never served, and never stored.
      const stored = store.get(request.key);
      const entry = stored && (!request.validate || request.validate(stored.value)) ? stored : undefined;
      const served = (status: 'cached' | 'stale', error?: unknown): CacheLookup<T> => ({
        status,
        value: entry!.value as T,
        fetchedAt: entry!.fetchedAt,
        ageMs: clock.now() - entry!.fetchedAt,
        ...(error === undefined ? {} : { error }),
      });
      const fresh = entry !== undefined && clock.now() - entry.fetchedAt < request.ttlMs;
      if (fresh && cache.mode !== 'force-refresh') {
        cache.hits.push(request.key);
        return served('cached');
      }
      if (cache.mode === 'offline' || !request.fetch) {
        return entry ? served('stale') : { status: 'failed', error: new QahtError('QAHT_ERR_NO_DATA', 'offline and nothing cached') };
      }
      try {
        const value = await request.fetch();
        if (request.validate && !request.validate(value)) {
          throw new QahtError('QAHT_ERR_INVALID_DATA', `${request.source} returned data of an unexpected shape`);
        }
        store.set(request.key, { value, fetchedAt: clock.now() });
        return { status: 'fresh', value, fetchedAt: clock.now(), ageMs: 0 };
      } catch (error) {
        return entry ? served('stale', error) : { status: 'failed', error };
      }
    },
  };
  const env = options.env ?? {};
  return {
    env,
    clock,
    warnings,
    counters,
    budgetUsed,
    http: async () => options.http,
    baseUrls: async (source) => baseUrlsFor(source, env),
    cache,
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
    progress: { start() {}, tick() {}, stop() {}, end() {} },
    increment(name, by = 1, labels = {}) {
      const key = counterKey(name, labels);
      counters.set(key, (counters.get(key) ?? 0) + by);
    },
    warn(message) {
      warnings.push(message);
    },
  };
}

/** How `FakeRuntime.counters` keys a labelled counter: `source.items{source=coingecko}`. */
export function counterKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const pairs = Object.entries(labels).map(([label, value]) => `${label}=${value}`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

export function commonOptions(overrides: Partial<CommonOptions> = {}): CommonOptions {
  return { sources: undefined, limit: undefined, ...overrides };
}

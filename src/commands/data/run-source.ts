/**
 * One source of a data command through the run's cache: skipped (not selected, key missing),
 * served (fresh, cached or stale, as `servedReport` words it) or failed, never thrown. The
 * commands that fetch one document per source (`crypto`, `news`, the history universe) use it;
 * `market` plans many quotes per source and reports them itself.
 */
import { isQahtError } from '../../errors.js';
import type { HttpGetter } from '../../http/types.js';
import { failedReport, servedReport, skippedReport, type SkipReason, type SourceReport } from '../../report.js';
import { apiKeyFor, KEY_ENV_VARS, type SourceName } from '../../sources/source-names.js';
import type { CommonOptions, Runtime } from '../../runtime/runtime.js';

/** What a source's fetch function receives. */
export interface SourceFetchContext {
  http: HttpGetter;
  /** The base URL (`SCREEN_<SOURCE>_URL`, the default or the demo's server), without a trailing slash. */
  baseUrl: string;
  /** Every base URL of the source, in the order to try them (`baseUrl` is the first). */
  baseUrls: readonly string[];
  /** The API key when the source has one configured. */
  apiKey: string | undefined;
  /** Epoch ms at the start of the run (for time windows such as `--since`). */
  nowMs: number;
}

export interface SourceJob<T> {
  source: SourceName;
  /**
   * Cache key: the request with no secrets in it (e.g. `coins/markets?vs_currency=usd&top=250`),
   * stored as `<source>:<key>`.
   */
  key: string;
  ttlMs: number;
  /** Stale data older than this is still served but marked very stale. @default 7 days */
  maxStaleMs?: number;
  /** True when the source cannot run without its API key (it is then `skipped`). */
  requiresKey?: boolean;
  fetch: (context: SourceFetchContext) => Promise<T>;
  /** The value's shape, checked alike on a fetched and on a cached value (see `LookupOptions.validate`). */
  validate: (value: unknown) => value is T;
  /** Number of items in a value, for the status line and JSON `items`. */
  count: (value: T) => number;
}

/**
 * What one source gave a command: its public report and the value served (undefined when it failed
 * or was skipped). Not the library's `SourceOutcome`, which says how a source fared in `multiSourceFetch`.
 */
export interface SourceResult<T> {
  report: SourceReport<SourceName>;
  value: T | undefined;
}

const DEFAULT_MAX_STALE_MS = 7 * 24 * 3600_000;

/**
 * Fetches one source through the cache (fresh → fetch → stale → failed) and turns the outcome into
 * its public report. Never throws: a source's failure is data for the report, not a crash.
 */
export async function runSource<T>(rt: Runtime, options: CommonOptions, job: SourceJob<T>): Promise<SourceResult<T>> {
  const skipped = skipReason(rt, options, job);
  if (skipped) return { report: skippedReport(job.source, skipped), value: undefined };

  const nowMs = rt.clock.now();
  const apiKey = apiKeyFor(job.source, rt.env);
  // Until the fetch starts, a slow lookup is waiting for another run's fill of the entry (its lock).
  const done = rt.pending?.begin(job.source);
  const lookup = await rt.cache
    .lookup<T>({
      source: job.source,
      key: `${job.source}:${job.key}`,
      ttlMs: job.ttlMs,
      maxStaleMs: job.maxStaleMs ?? DEFAULT_MAX_STALE_MS,
      fetch: async () => {
        rt.pending?.fetching(job.source);
        // Loading the client and starting a demo server overlap.
        const [http, baseUrls] = await Promise.all([rt.http(), rt.baseUrls(job.source)]);
        return job.fetch({ http, baseUrl: baseUrls[0]!, baseUrls, apiKey, nowMs });
      },
      validate: job.validate,
    })
    .finally(() => done?.());

  const offline = rt.cache.mode === 'offline';
  if (lookup.status === 'failed' || lookup.value === undefined) {
    return { report: failedReport(job.source, describeError(lookup.error, offline)), value: undefined };
  }
  const items = job.count(lookup.value);
  rt.increment('source.items', items, { source: job.source });
  const report = servedReport(
    {
      name: job.source,
      status: lookup.status,
      fetchedAtMs: lookup.fetchedAt ?? nowMs,
      items,
      error: lookup.status === 'stale' ? describeError(lookup.error, offline) : null,
      veryStale: lookup.staleBeyondMaxAge === true,
    },
    nowMs,
  );
  return { report, value: lookup.value };
}

function skipReason(rt: Runtime, options: CommonOptions, job: Pick<SourceJob<unknown>, 'source' | 'requiresKey'>): SkipReason | undefined {
  if (options.sources && !options.sources.includes(job.source)) return { kind: 'not-selected' };
  const variable = KEY_ENV_VARS[job.source];
  if (job.requiresKey && variable && !apiKeyFor(job.source, rt.env)) return { kind: 'missing-key', variable };
  return undefined;
}

/** A one-line, secret-free reason for a status line (error messages never carry keys: URLs are redacted upstream). */
export function describeError(error: unknown, offline = false): string {
  if (error === undefined || error === null) return offline ? 'offline' : 'unknown error';
  if (isQahtError(error)) {
    if (error.code === 'QAHT_ERR_NO_DATA' && offline) return 'offline and nothing cached';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

import { systemClock, type Clock } from '../time/clock.js';

/** Counter names the cache reports under; `cacheHitRate` is computed from them. */
export const CACHE_HIT_COUNTER = 'cache.hit';
export const CACHE_MISS_COUNTER = 'cache.miss';

/** Summary of one timing series, in ms. */
export interface TimingStats {
  count: number;
  mean: number;
  /** Nearest-rank 95th percentile over the most recent samples (see `maxSamples`). */
  p95: number;
  min: number;
  max: number;
}

/** Plain JSON: `--json` output embeds it as `metrics`. */
export interface PerformanceStats {
  /** Seconds since the monitor was created. */
  uptimeS: number;
  /** hits / (hits + misses) from the `cache.hit` and `cache.miss` counters; null before any lookup. */
  cacheHitRate: number | null;
  counters: Record<string, number>;
  timings: Record<string, TimingStats>;
  /** Errors per endpoint (or per timed name). */
  errors: Record<string, number>;
}

export interface PerformanceMonitorOptions {
  /** Wall clock for uptime. @default systemClock */
  clock?: Clock;
  /** High-resolution source for durations, in ms. @default performance.now */
  now?: () => number;
  /** Samples kept per name for percentiles; count, mean, min and max stay exact. @default 10_000 */
  maxSamples?: number;
}

interface Series {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** A ring buffer of recent durations; `next` is where the next one goes once it is full. */
  samples: number[];
  next: number;
}

/**
 * In-process metrics for one run: timings, counters and errors. Dependency-free; percentiles
 * are exact over the kept samples (sorting is cheap at CLI scale).
 */
export class PerformanceMonitor {
  readonly #clock: Clock;
  readonly #now: () => number;
  readonly #maxSamples: number;
  readonly #startedAt: number;
  readonly #timings = new Map<string, Series>();
  readonly #counters = new Map<string, number>();
  readonly #errors = new Map<string, number>();

  constructor(options: PerformanceMonitorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#now = options.now ?? (() => performance.now());
    const maxSamples = options.maxSamples ?? 10_000;
    if (!Number.isInteger(maxSamples) || maxSamples < 1) {
      throw new RangeError(`PerformanceMonitor: expected maxSamples to be an integer >= 1, got ${String(maxSamples)}`);
    }
    this.#maxSamples = maxSamples;
    this.#startedAt = this.#clock.now();
  }

  /**
   * Times `fn` under `name`, sync or async. A throw (or rejection) is timed too, counted as an
   * error for `name`, and rethrown.
   */
  time<T>(name: string, fn: () => Promise<T>): Promise<T>;
  time<T>(name: string, fn: () => T): T;
  time<T>(name: string, fn: () => T | Promise<T>): T | Promise<T> {
    const startedAt = this.#now();
    const fail = (error: unknown): never => {
      this.record(name, this.#now() - startedAt);
      this.recordError(name);
      throw error;
    };
    let result: T | Promise<T>;
    try {
      result = fn();
    } catch (error) {
      return fail(error);
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then((value) => {
        this.record(name, this.#now() - startedAt);
        return value;
      }, fail);
    }
    this.record(name, this.#now() - startedAt);
    return result;
  }

  /** Adds one duration (ms) to `name`'s series. Negative values (a clock step) count as 0. */
  record(name: string, durationMs: number): void {
    if (!Number.isFinite(durationMs)) {
      throw new RangeError(`PerformanceMonitor: expected durationMs to be a finite number, got ${String(durationMs)}`);
    }
    const ms = Math.max(0, durationMs);
    let series = this.#timings.get(name);
    if (!series) {
      series = { count: 0, sum: 0, min: ms, max: ms, samples: [], next: 0 };
      this.#timings.set(name, series);
    }
    series.count += 1;
    series.sum += ms;
    series.min = Math.min(series.min, ms);
    series.max = Math.max(series.max, ms);
    if (series.samples.length < this.#maxSamples) {
      series.samples.push(ms);
    } else {
      series.samples[series.next] = ms;
      series.next = (series.next + 1) % this.#maxSamples;
    }
  }

  /** Adds `by` to the counter `name`. @default by 1 */
  increment(name: string, by = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + by);
  }

  /** Counts one error for `endpoint` (a source, host or timed name). */
  recordError(endpoint: string): void {
    this.#errors.set(endpoint, (this.#errors.get(endpoint) ?? 0) + 1);
  }

  /** A snapshot of everything recorded so far, as plain JSON. */
  getStats(): PerformanceStats {
    const hits = this.#counters.get(CACHE_HIT_COUNTER) ?? 0;
    const misses = this.#counters.get(CACHE_MISS_COUNTER) ?? 0;
    return {
      uptimeS: Math.max(0, this.#clock.now() - this.#startedAt) / 1000,
      cacheHitRate: hits + misses > 0 ? hits / (hits + misses) : null,
      counters: Object.fromEntries(this.#counters),
      timings: Object.fromEntries([...this.#timings].map(([name, series]) => [name, summarise(series)])),
      errors: Object.fromEntries(this.#errors),
    };
  }
}

/** Nearest-rank percentile (`p` in (0, 100]) of unsorted `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

function summarise(series: Series): TimingStats {
  return {
    count: series.count,
    mean: series.sum / series.count,
    p95: percentile(series.samples, 95),
    min: series.min,
    max: series.max,
  };
}

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

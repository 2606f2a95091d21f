import { CACHE_HIT_COUNTER, CACHE_MISS_COUNTER } from '../metric-names.js';
import { durationSource, systemClock, type Clock } from '../time/clock.js';
import { type MetricLabels, SeriesTable, type Tally } from './series-table.js';

/** Summary of one timing series, in ms. */
export interface TimingStats {
  count: number;
  mean: number;
  /** Nearest-rank 95th percentile over the most recent samples (see `maxSamples`). */
  p95: number;
  min: number;
  max: number;
}

/**
 * The seed's flat view, plain JSON (`--json` output embeds it as `metrics`). Counters are totals
 * per name over all labels; timings and errors are per endpoint: a series labelled with a `host`
 * is listed as `<name>.<host>` (e.g. `http.api.coingecko.com`), any other under its name.
 */
export interface PerformanceStats {
  /** Seconds since the monitor was created. */
  uptimeS: number;
  /** hits / (hits + misses) from the `cache_hits` and `cache_misses` counters; null before any lookup. */
  cacheHitRate: number | null;
  counters: Record<string, number>;
  timings: Record<string, TimingStats>;
  /** Errors per endpoint (or per timed name). */
  errors: Record<string, number>;
}

export type { MetricLabels } from './series-table.js';

/** Every series with its own labels, for writers that keep them apart (Prometheus). */
export interface MetricSeries {
  counters: Array<{ name: string; labels: MetricLabels; value: number }>;
  timings: Array<{ name: string; labels: MetricLabels; stats: TimingStats }>;
  errors: Array<{ name: string; labels: MetricLabels; value: number }>;
}

export interface PerformanceMonitorOptions {
  /** Wall clock for uptime, and the time source for durations. @default systemClock */
  clock?: Clock;
  /** Time source for durations, in ms. @default the clock's (`monotonicMs` for the system clock) */
  now?: () => number;
  /** Samples kept per series for percentiles; count, mean, min and max stay exact. @default 10_000 */
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

const NO_LABELS: MetricLabels = Object.freeze({});

/**
 * In-process metrics for one run: timings, counters and errors, each optionally labelled.
 * Dependency-free; percentiles are exact over the kept samples (sorting is cheap at CLI scale).
 * Labels are read as given: pass the same (unchanging) object for the same series.
 */
export class PerformanceMonitor {
  readonly #clock: Clock;
  readonly #now: () => number;
  readonly #maxSamples: number;
  readonly #startedAt: number;
  readonly #timings = new SeriesTable<Series>(newSeries, endpointKey);
  readonly #counters = new SeriesTable<Tally>(
    () => ({ value: 0 }),
    (name) => name,
  );
  readonly #errors = new SeriesTable<Tally>(() => ({ value: 0 }), endpointKey);

  constructor(options: PerformanceMonitorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#now = options.now ?? durationSource(this.#clock);
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
  time<T>(name: string, fn: () => Promise<T>, labels?: MetricLabels): Promise<T>;
  time<T>(name: string, fn: () => T, labels?: MetricLabels): T;
  time<T>(name: string, fn: () => T | Promise<T>, labels?: MetricLabels): T | Promise<T> {
    const startedAt = this.#now();
    const fail = (error: unknown): never => {
      this.record(name, this.#now() - startedAt, labels);
      this.recordError(name, labels);
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
        this.record(name, this.#now() - startedAt, labels);
        return value;
      }, fail);
    }
    this.record(name, this.#now() - startedAt, labels);
    return result;
  }

  /** Adds one duration (ms) to `name`'s series. Negative values (a clock step) count as 0. */
  record(name: string, durationMs: number, labels: MetricLabels = NO_LABELS): void {
    if (!Number.isFinite(durationMs)) {
      throw new RangeError(`PerformanceMonitor: expected durationMs to be a finite number, got ${String(durationMs)}`);
    }
    const ms = Math.max(0, durationMs);
    const series = this.#timings.get(name, labels);
    this.#addSample(series.own, ms);
    this.#addSample(series.flat, ms);
  }

  /** Adds `by` to the counter `name`. @default by 1 */
  increment(name: string, by = 1, labels: MetricLabels = NO_LABELS): void {
    const counter = this.#counters.get(name, labels);
    counter.own.value += by;
    counter.flat.value += by;
  }

  /** Counts one error for `endpoint` (a source, host or timed name). */
  recordError(endpoint: string, labels: MetricLabels = NO_LABELS): void {
    const errors = this.#errors.get(endpoint, labels);
    errors.own.value += 1;
    errors.flat.value += 1;
  }

  /** A snapshot of everything recorded so far in the seed's flat shape, as plain JSON. */
  getStats(): PerformanceStats {
    const hits = this.#counters.flat.get(CACHE_HIT_COUNTER)?.value ?? 0;
    const misses = this.#counters.flat.get(CACHE_MISS_COUNTER)?.value ?? 0;
    return {
      uptimeS: Math.max(0, this.#clock.now() - this.#startedAt) / 1000,
      cacheHitRate: hits + misses > 0 ? hits / (hits + misses) : null,
      counters: Object.fromEntries([...this.#counters.flat].map(([name, tally]) => [name, tally.value])),
      timings: Object.fromEntries([...this.#timings.flat].map(([name, series]) => [name, summarise(series)])),
      errors: Object.fromEntries([...this.#errors.flat].map(([name, tally]) => [name, tally.value])),
    };
  }

  /** Every series with its labels, sorted by name then labels: what a labelled writer needs. */
  series(): MetricSeries {
    return {
      counters: this.#counters.sorted().map(({ name, labels, own }) => ({ name, labels, value: own.value })),
      timings: this.#timings.sorted().map(({ name, labels, own }) => ({ name, labels, stats: summarise(own) })),
      errors: this.#errors.sorted().map(({ name, labels, own }) => ({ name, labels, value: own.value })),
    };
  }

  #addSample(series: Series, ms: number): void {
    if (series.count === 0) {
      series.min = ms;
      series.max = ms;
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
}

/** Nearest-rank percentile (`p` in (0, 100]) of unsorted `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Where a series sits in the flat view: per host when it has one (the seed's "per endpoint"). */
function endpointKey(name: string, labels: MetricLabels): string {
  return labels.host === undefined ? name : `${name}.${labels.host}`;
}

function newSeries(): Series {
  return { count: 0, sum: 0, min: 0, max: 0, samples: [], next: 0 };
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

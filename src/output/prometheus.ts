/**
 * Metrics in the Prometheus text exposition format (version 0.0.4): for node_exporter's textfile
 * collector (a cron job writes `--metrics-file` after each run and the collector exposes it) and
 * for `screen serve`'s `/metrics`.
 *
 * Every sample carries a `command` label, and hosts and sources are labels of their own, never
 * parts of a name or of another label's value: the files of several commands in one textfile
 * directory never collide, and every HELP text is the same whichever command wrote it, so
 * node_exporter merges them without a gathering error. Every sample belongs to one family
 * introduced by its `# HELP` and `# TYPE` lines, a family's samples are contiguous, and no sample
 * carries a timestamp (the textfile collector rejects them).
 *
 * A CLI run's figures are gauges: the file is replaced by every run, so a count of the last run
 * goes down as often as up. Only a process that counts from its start (`cumulative`, `serve`)
 * writes counters, named `_total`.
 */
import { QahtError } from '../errors.js';
import type { MetricLabels, MetricSeries, PerformanceStats, TimingStats } from '../perf/performance-monitor.js';
import {
  CACHE_HIT_COUNTER,
  CACHE_MISS_COUNTER,
  HTTP_BREAKER_REJECTED,
  HTTP_PACED,
  HTTP_PACED_MS,
  HTTP_RATE_LIMITED,
  HTTP_REQUESTS,
  HTTP_RETRIES,
  HTTP_TIMING,
} from '../metric-names.js';
import type { SourceReport, SourceStatus } from '../report.js';
import type { BreakerStateName } from '../resilience/circuit-breaker.js';
import { describeFsError, writeFileAtomic } from '../store/file/atomic-write.js';

/** What a source's history in the state store contributes (`StateStore.sources` fits). */
export interface SourceHistory {
  /** Epoch ms of the source's last successful fetch, in any run. */
  lastSuccessAt?: number;
}

export interface MetricsInput {
  /** The `command` label of every sample: `crypto`, `news`, `market` or `serve`. */
  command: string;
  /** From `PerformanceMonitor.getStats()`: the run's (or process's) age and cache hit rate. */
  stats: Pick<PerformanceStats, 'uptimeS' | 'cacheHitRate'>;
  /** `PerformanceMonitor.series()`: every counter, timing and error count with its own labels. */
  series: MetricSeries;
  /** The per-source reports of the run (for `serve`, of the latest refresh of its screens). */
  sources: readonly SourceReport[];
  /** The breakers used, by host (`host:port` when a port is set). */
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>;
  /** When the metrics are taken (the run's end, or the scrape), epoch ms. */
  nowMs: number;
  /**
   * Per-source history from the state store, so `qaht_last_success_timestamp_seconds` also covers
   * the command's sources that were not fetched in this run (served from cache, or failed).
   */
  history?: Readonly<Record<string, SourceHistory | undefined>>;
  /**
   * The monitor has counted since a long-lived process started (`screen serve`), so its counts
   * are counters (`…_total`); otherwise they are one run's figures, written as gauges. @default false
   */
  cumulative?: boolean;
  /** With `--store redis://…`: 1 while the run uses the file store instead (Redis unreachable), else 0. */
  storeFallback?: 0 | 1;
}

const SOURCE_STATUSES: readonly SourceStatus[] = ['fresh', 'cached', 'stale', 'failed', 'skipped'];
const BREAKER_STATES: ReadonlyArray<readonly [string, BreakerStateName]> = [
  ['closed', 'CLOSED'],
  ['open', 'OPEN'],
  ['half_open', 'HALF_OPEN'],
];

/** The monitor's series with a family of their own (named by what they count, unit last). */
interface CountFamily {
  name: string;
  help: string;
  /** Extra labels of the family's samples (the cache lookups' `result`). */
  labels?: MetricLabels;
  /** Multiplies the monitor's value (ms → seconds). @default 1 */
  scale?: number;
}

/** Monitor counter name → family. The series' own labels (`host`, `source`) follow each sample. */
const COUNT_FAMILIES: Readonly<Record<string, CountFamily>> = {
  [HTTP_REQUESTS]: { name: 'qaht_http_requests', help: 'HTTP requests sent (every attempt), per host and source.' },
  'notify.failures': {
    name: 'qaht_notify_failures',
    help: 'Alert deliveries that failed, per channel (notify-cmd, webhook); their alerts stay pending for the next run.',
  },
  [HTTP_RATE_LIMITED]: {
    name: 'qaht_http_rate_limited',
    help: 'Answers that said slow down (HTTP 429 or 418, or a rate limit inside a 200), per host and source.',
  },
  [HTTP_RETRIES]: { name: 'qaht_http_retries', help: 'Requests retried after a transient failure, per host and source.' },
  [HTTP_BREAKER_REJECTED]: {
    name: 'qaht_http_breaker_rejections',
    help: 'Requests refused without sending because the host circuit breaker was open.',
  },
  [HTTP_PACED]: { name: 'qaht_http_paced_requests', help: 'Requests that waited for their turn on the host rate limiter.' },
  [HTTP_PACED_MS]: {
    name: 'qaht_http_pacing_wait_seconds',
    help: 'Time requests spent waiting for their turn on the host rate limiter, in seconds.',
    scale: 1 / 1000,
  },
  [CACHE_HIT_COUNTER]: { name: 'qaht_cache_lookups', help: 'Cache lookups, by result (hit or miss).', labels: { result: 'hit' } },
  [CACHE_MISS_COUNTER]: { name: 'qaht_cache_lookups', help: 'Cache lookups, by result (hit or miss).', labels: { result: 'miss' } },
};
/** Every other counter of the monitor, under its name as the `event` label. */
const OTHER_EVENTS: CountFamily = {
  name: 'qaht_events',
  help: 'Other events counted by the monitor (cache.stale, news.duplicates_merged, source.items, ...), by event name.',
};
const HTTP_ERRORS: CountFamily = { name: 'qaht_http_errors', help: 'HTTP requests that failed, per host and source.' };
const OTHER_ERRORS: CountFamily = { name: 'qaht_operation_errors', help: 'Timed operations that failed, by operation name.' };
/** The timing series of HTTP requests; the monitor's other timings are operations. */

type Labels = Record<string, string>;
interface Sample {
  /** Appended to the family name, e.g. `_sum`. */
  suffix?: string;
  labels: Labels;
  value: number;
}
interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'summary';
  help: string;
  samples: Sample[];
}

/**
 * Renders the metrics as Prometheus text: the run's time and duration, requests, rate limits,
 * retries, breaker rejections, pacing and errors per host and source, request latency summaries,
 * cache lookups and hit ratio, breaker-state gauges, and each source's status, items, data age
 * and last success. Durations are in seconds, timestamps in epoch seconds. Families without
 * samples are left out. A pure function of its input; the text ends with a newline.
 */
export function renderPrometheus(input: MetricsInput): string {
  const command = { command: input.command };
  const families = [
    ...runFamilies(input, command),
    ...countFamilies(input, command),
    ...latencyFamilies(input.series.timings, command),
    ...cacheRatioFamily(input, command),
    breakerFamily(input.breakers, command),
    ...sourceFamilies(input, command),
  ];
  return families
    .filter((family) => family.samples.length > 0)
    .map(renderFamily)
    .join('');
}

/**
 * Writes `renderPrometheus(input)` to `path` atomically (temp file in the same folder, then
 * rename), so the collector never reads a half-written file. Mode 0644: node_exporter usually runs
 * as another user. The folder must exist.
 * @throws QahtError `QAHT_ERR_USAGE` "cannot write metrics file <path>: <reason>" (exit 2).
 */
export async function writeMetricsFile(path: string, input: MetricsInput): Promise<void> {
  try {
    await writeFileAtomic(path, renderPrometheus(input), { mode: 0o644 });
  } catch (error) {
    throw new QahtError('QAHT_ERR_USAGE', `cannot write metrics file ${path}: ${describeWriteError(error)}`, { cause: error });
  }
}

function describeWriteError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' ? 'its folder does not exist' : describeFsError(error);
}

function runFamilies({ stats, nowMs, storeFallback }: MetricsInput, command: Labels): Family[] {
  return [
    gauge('qaht_run_timestamp_seconds', 'When these metrics were taken (the end of a run, or the scrape), in epoch seconds.', [
      { labels: command, value: nowMs / 1000 },
    ]),
    gauge('qaht_run_duration_seconds', 'How long the run (or the serving process) has lasted, in seconds.', [
      { labels: command, value: stats.uptimeS },
    ]),
    gauge(
      'qaht_store_fallback',
      'With a shared Redis store: 1 while the file store stands in for it (Redis unreachable), else 0.',
      storeFallback === undefined ? [] : [{ labels: command, value: storeFallback }],
    ),
  ];
}

/** Counters and error counts: one family per kind, in first-seen order, samples in the monitor's order. */
function countFamilies(input: MetricsInput, command: Labels): Family[] {
  const families = new Map<string, Family>();
  const add = (kind: CountFamily, labels: MetricLabels, value: number): void => {
    const name = input.cumulative ? `${kind.name}_total` : kind.name;
    let family = families.get(name);
    if (!family) {
      family = { name, type: input.cumulative ? 'counter' : 'gauge', help: kind.help, samples: [] };
      families.set(name, family);
    }
    family.samples.push({ labels: { ...command, ...labels, ...kind.labels }, value: value * (kind.scale ?? 1) });
  };
  for (const { name, labels, value } of input.series.counters) {
    const known = COUNT_FAMILIES[name];
    if (known) add(known, labels, value);
    else add(OTHER_EVENTS, { event: name, ...labels }, value);
  }
  for (const { name, labels, value } of input.series.errors) {
    if (name === HTTP_TIMING) add(HTTP_ERRORS, labels, value);
    else add(OTHER_ERRORS, { operation: name, ...labels }, value);
  }
  return [...families.values()];
}

function latencyFamilies(timings: MetricSeries['timings'], command: Labels): Family[] {
  const http: Sample[] = [];
  const other: Sample[] = [];
  for (const { name, labels, stats } of timings) {
    if (name === HTTP_TIMING) http.push(...summarySamples({ ...command, ...labels }, stats));
    else other.push(...summarySamples({ ...command, operation: name, ...labels }, stats));
  }
  return [
    {
      name: 'qaht_http_request_duration_seconds',
      type: 'summary',
      help: 'HTTP request latency per host and source, in seconds (quantile 0 = min, 1 = max).',
      samples: http,
    },
    {
      name: 'qaht_operation_duration_seconds',
      type: 'summary',
      help: 'Latency of other timed operations, in seconds (quantile 0 = min, 1 = max).',
      samples: other,
    },
  ];
}

/** Quantiles the monitor can answer exactly: min, p95 and max. */
function summarySamples(labels: Labels, timing: TimingStats): Sample[] {
  const quantiles: Array<[string, number]> = [
    ['0', timing.min],
    ['0.95', timing.p95],
    ['1', timing.max],
  ];
  const samples: Sample[] = [];
  for (const [quantile, ms] of quantiles) {
    if (Number.isFinite(ms)) samples.push({ labels: { ...labels, quantile }, value: ms / 1000 });
  }
  samples.push({ suffix: '_sum', labels, value: (timing.mean * timing.count) / 1000 });
  samples.push({ suffix: '_count', labels, value: timing.count });
  return samples;
}

function cacheRatioFamily({ stats }: MetricsInput, command: Labels): Family[] {
  const rate = stats.cacheHitRate;
  return [
    gauge(
      'qaht_cache_hit_ratio',
      'Cache hits / (hits + misses); absent when nothing was looked up.',
      rate === null || !Number.isFinite(rate) ? [] : [{ labels: command, value: rate }],
    ),
  ];
}

function breakerFamily(breakers: MetricsInput['breakers'], command: Labels): Family {
  const samples: Sample[] = [];
  for (const host of [...breakers.keys()].sort()) {
    const current = breakers.get(host)!.state;
    for (const [label, state] of BREAKER_STATES) {
      samples.push({ labels: { ...command, host, state: label }, value: current === state ? 1 : 0 });
    }
  }
  return gauge('qaht_breaker_state', 'Circuit breaker state per host: 1 for the current state, else 0.', samples);
}

function sourceFamilies({ sources, nowMs, history }: MetricsInput, command: Labels): Family[] {
  const ordered = [...sources].sort((a, b) => a.name.localeCompare(b.name));
  const up: Sample[] = [];
  const status: Sample[] = [];
  const items: Sample[] = [];
  const age: Sample[] = [];
  for (const report of ordered) {
    const labels = { ...command, source: report.name };
    if (report.status !== 'skipped') up.push({ labels, value: report.status === 'fresh' || report.status === 'cached' ? 1 : 0 });
    for (const word of SOURCE_STATUSES) status.push({ labels: { ...labels, status: word }, value: report.status === word ? 1 : 0 });
    items.push({ labels, value: report.items });
    if (report.ageSeconds !== null && Number.isFinite(report.ageSeconds)) age.push({ labels, value: report.ageSeconds });
  }
  return [
    gauge(
      'qaht_source_up',
      'Whether the source served current data (fresh or cached = 1; stale or failed = 0; skipped sources are absent).',
      up,
    ),
    gauge('qaht_source_status', 'How each source was served: 1 for its status, else 0.', status),
    gauge('qaht_source_items', 'Items each source contributed.', items),
    gauge('qaht_source_data_age_seconds', 'Age of the data each source served, in seconds.', age),
    gauge(
      'qaht_last_success_timestamp_seconds',
      'When each source was last fetched successfully (this run or an earlier one), in epoch seconds.',
      lastSuccessSamples(ordered, nowMs, history, command),
    ),
  ];
}

/** The command's own sources only: the shared history also knows the other commands' sources. */
function lastSuccessSamples(reports: readonly SourceReport[], nowMs: number, history: MetricsInput['history'], command: Labels): Sample[] {
  const latest = new Map<string, number>();
  for (const report of reports) {
    const saved = history?.[report.name]?.lastSuccessAt;
    if (typeof saved === 'number' && Number.isFinite(saved)) latest.set(report.name, saved);
    if (report.status !== 'fresh') continue;
    const fetched = report.fetchedAt === null ? Number.NaN : Date.parse(report.fetchedAt);
    const at = Number.isFinite(fetched) ? fetched : nowMs;
    latest.set(report.name, Math.max(at, latest.get(report.name) ?? -Infinity));
  }
  return [...latest.keys()].sort().map((source) => ({ labels: { ...command, source }, value: latest.get(source)! / 1000 }));
}

function gauge(name: string, help: string, samples: Sample[]): Family {
  return { name, type: 'gauge', help, samples };
}

function renderFamily(family: Family): string {
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) {
    lines.push(`${family.name}${sample.suffix ?? ''}${renderLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

/** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's ParseFloat spellings: integers and JS floats as is, `NaN`, `+Inf`, `-Inf`. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

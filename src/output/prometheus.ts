/**
 * One run's metrics in the Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector: a cron job writes the file after each run and the collector exposes it.
 *
 * Every sample belongs to one family introduced by its `# HELP` and `# TYPE` lines, a family's
 * samples are contiguous, and no sample carries a timestamp (the textfile collector rejects them).
 * Counters count events of the last run only: the file is replaced by every run, so `increase()`
 * over them sees one reset per run, which Prometheus treats as a counter restart.
 */
import type { SourceReport, SourceStatus } from '../report.js';
import { QahtError } from '../errors.js';
import type { PerformanceStats, TimingStats } from '../perf/performance-monitor.js';
import type { BreakerStateName } from '../resilience/circuit-breaker.js';
import { describeFsError, writeFileAtomic } from '../store/atomic-write.js';

/** What a source's history in the state store contributes (`StateStore.sources` fits). */
export interface SourceHistory {
  /** Epoch ms of the source's last successful fetch, in any run. */
  lastSuccessAt?: number;
}

export interface MetricsInput {
  /**
   * The command the metrics belong to (`crypto`, `news`, `market`, `serve`), put first on every
   * series as its `command` label (CONTRACT). @default no command label
   */
  command?: string;
  /** `PerformanceMonitor.getStats()`. */
  stats: Pick<PerformanceStats, 'uptimeS' | 'cacheHitRate' | 'counters' | 'errors' | 'timings'>;
  /** The run's per-source reports. */
  sources: readonly SourceReport[];
  /** The breakers the run used, by host (`host:port` when a port is set). */
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>;
  /** The time of the run's end, epoch ms. */
  nowMs: number;
  /**
   * Per-source history from the state store, so `qaht_last_success_timestamp_seconds` also covers
   * sources that were not fetched in this run (served from cache, skipped, or failed).
   */
  history?: Readonly<Record<string, SourceHistory | undefined>>;
}

/** Timing series recorded by the HTTP client are named `http.<host>`. */
const HTTP_TIMING_PREFIX = 'http.';
const SOURCE_STATUSES: readonly SourceStatus[] = ['fresh', 'cached', 'stale', 'failed', 'skipped'];
const BREAKER_STATES: ReadonlyArray<readonly [string, BreakerStateName]> = [
  ['closed', 'CLOSED'],
  ['open', 'OPEN'],
  ['half_open', 'HALF_OPEN'],
];

type Labels = Record<string, string>;
interface Sample {
  /** Appended to the family name, e.g. `_sum`. */
  suffix?: string;
  labels?: Labels;
  value: number;
}
interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'summary';
  help: string;
  samples: Sample[];
}

/**
 * Renders the run's metrics as Prometheus text: counters, per-host request latency summaries,
 * the cache hit ratio, breaker-state gauges, per-source status, items and last-success time, and
 * the run's own timestamp and duration. Durations are in seconds, timestamps in epoch seconds.
 * Families without samples are left out. The text ends with a newline.
 */
export function renderPrometheus(input: MetricsInput): string {
  const families = [
    ...runFamilies(input),
    ...counterFamilies(input.stats),
    ...latencyFamilies(input.stats.timings),
    ...cacheFamilies(input.stats),
    breakerFamily(input.breakers),
    ...sourceFamilies(input),
  ];
  const command = input.command === undefined ? undefined : { command: input.command };
  return families
    .filter((family) => family.samples.length > 0)
    .map((family) => renderFamily(command ? withLabels(family, command) : family))
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

function runFamilies({ stats, nowMs }: MetricsInput): Family[] {
  return [
    gauge('qaht_run_timestamp_seconds', 'When the last run finished, in epoch seconds.', [{ value: nowMs / 1000 }]),
    gauge('qaht_run_duration_seconds', 'How long the last run took, in seconds.', [{ value: stats.uptimeS }]),
  ];
}

function counterFamilies(stats: MetricsInput['stats']): Family[] {
  return [
    {
      name: 'qaht_events_total',
      type: 'counter',
      help: 'Events counted in the last run, by monitor counter name (e.g. cache_hits, http.retries, http.429).',
      samples: sortedEntries(stats.counters).map(([event, value]) => ({ labels: { event }, value })),
    },
    {
      name: 'qaht_errors_total',
      type: 'counter',
      help: 'Errors counted in the last run, by endpoint (host, source or timed operation).',
      samples: sortedEntries(stats.errors).map(([endpoint, value]) => ({ labels: { endpoint }, value })),
    },
  ];
}

function latencyFamilies(timings: MetricsInput['stats']['timings']): Family[] {
  const http: Sample[] = [];
  const other: Sample[] = [];
  for (const [name, timing] of sortedEntries(timings)) {
    if (name.startsWith(HTTP_TIMING_PREFIX)) http.push(...summarySamples({ host: name.slice(HTTP_TIMING_PREFIX.length) }, timing));
    else other.push(...summarySamples({ operation: name }, timing));
  }
  return [
    {
      name: 'qaht_http_request_duration_seconds',
      type: 'summary',
      help: 'HTTP request latency per host in the last run, in seconds (quantile 0 = min, 1 = max).',
      samples: http,
    },
    {
      name: 'qaht_operation_duration_seconds',
      type: 'summary',
      help: 'Latency of other timed operations in the last run, in seconds (quantile 0 = min, 1 = max).',
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

function cacheFamilies(stats: MetricsInput['stats']): Family[] {
  const rate = stats.cacheHitRate;
  return [
    gauge(
      'qaht_cache_hit_ratio',
      'Cache hits / (hits + misses) in the last run; absent when nothing was looked up.',
      rate === null || !Number.isFinite(rate) ? [] : [{ value: rate }],
    ),
  ];
}

function breakerFamily(breakers: MetricsInput['breakers']): Family {
  const samples: Sample[] = [];
  for (const host of [...breakers.keys()].sort()) {
    const current = breakers.get(host)!.state;
    for (const [label, state] of BREAKER_STATES) samples.push({ labels: { host, state: label }, value: current === state ? 1 : 0 });
  }
  return gauge(
    'qaht_breaker_state',
    'Circuit breaker state per host at the end of the last run: 1 for the current state, else 0.',
    samples,
  );
}

function sourceFamilies({ sources, nowMs, history }: MetricsInput): Family[] {
  const ordered = [...sources].sort((a, b) => a.name.localeCompare(b.name));
  const up: Sample[] = [];
  const status: Sample[] = [];
  const items: Sample[] = [];
  const age: Sample[] = [];
  for (const report of ordered) {
    const labels = { source: report.name };
    if (report.status !== 'skipped') up.push({ labels, value: report.status === 'fresh' || report.status === 'cached' ? 1 : 0 });
    for (const word of SOURCE_STATUSES)
      status.push({ labels: { source: report.name, status: word }, value: report.status === word ? 1 : 0 });
    items.push({ labels, value: report.items });
    if (report.ageSeconds !== null && Number.isFinite(report.ageSeconds)) age.push({ labels, value: report.ageSeconds });
  }
  return [
    gauge(
      'qaht_source_up',
      'Whether the source served current data in the last run (fresh or cached = 1; stale or failed = 0; skipped sources are absent).',
      up,
    ),
    gauge('qaht_source_status', 'How each source was served in the last run: 1 for its status, else 0.', status),
    gauge('qaht_source_items', 'Items each source contributed in the last run.', items),
    gauge('qaht_source_data_age_seconds', 'Age of the data each source served in the last run, in seconds.', age),
    gauge(
      'qaht_last_success_timestamp_seconds',
      'When each source was last fetched successfully (this run or an earlier one), in epoch seconds.',
      lastSuccessSamples(ordered, nowMs, history),
    ),
  ];
}

function lastSuccessSamples(reports: readonly SourceReport[], nowMs: number, history: MetricsInput['history']): Sample[] {
  const latest = new Map<string, number>();
  for (const [source, entry] of Object.entries(history ?? {})) {
    const at = entry?.lastSuccessAt;
    if (typeof at === 'number' && Number.isFinite(at)) latest.set(source, at);
  }
  for (const report of reports) {
    if (report.status !== 'fresh') continue;
    const fetched = report.fetchedAt === null ? Number.NaN : Date.parse(report.fetchedAt);
    const at = Number.isFinite(fetched) ? fetched : nowMs;
    latest.set(report.name, Math.max(at, latest.get(report.name) ?? -Infinity));
  }
  return [...latest.keys()].sort().map((source) => ({ labels: { source }, value: latest.get(source)! / 1000 }));
}

function gauge(name: string, help: string, samples: Sample[]): Family {
  return { name, type: 'gauge', help, samples };
}

function withLabels(family: Family, labels: Labels): Family {
  return { ...family, samples: family.samples.map((sample) => ({ ...sample, labels: { ...labels, ...sample.labels } })) };
}

function renderFamily(family: Family): string {
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) {
    lines.push(`${family.name}${sample.suffix ?? ''}${renderLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderLabels(labels: Labels | undefined): string {
  if (!labels) return '';
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

function sortedEntries<V>(record: Record<string, V>): Array<[string, V]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

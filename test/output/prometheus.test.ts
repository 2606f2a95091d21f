import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceReport } from '../../src/report.js';
import { isQahtError } from '../../src/errors.js';
import { escapeLabelValue, renderPrometheus, writeMetricsFile, type MetricsInput } from '../../src/output/prometheus.js';
import { PerformanceMonitor } from '../../src/perf/performance-monitor.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { parsePrometheusTextFormat, type ParsedSample } from '../helpers/prometheus-parser.js';

/**
 * Every sample with its full label set. The parser folds a summary's samples into one object and
 * drops `_sum`/`_count` when they carry labels (a limitation of its output shape, not of the
 * format), so for checking values the TYPE lines are left out and every series reads as untyped.
 */
function samplesOf(text: string): Map<string, ParsedSample[]> {
  const untyped = text
    .split('\n')
    .filter((line) => !line.startsWith('# TYPE '))
    .join('\n');
  // Untyped, a summary's interleaved `_sum`/`_count` lines read as several families: merge them.
  const samples = new Map<string, ParsedSample[]>();
  for (const family of parsePrometheusTextFormat(untyped))
    samples.set(family.name, [...(samples.get(family.name) ?? []), ...family.metrics]);
  return samples;
}

function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const match = samplesOf(text)
    .get(name)
    ?.find((sample) => JSON.stringify(sample.labels ?? {}) === JSON.stringify(labels));
  return match?.value === undefined ? undefined : Number(match.value);
}

const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);

function report(name: SourceReport['name'], status: SourceReport['status'], extra: Partial<SourceReport> = {}): SourceReport {
  return { name, status, fetchedAt: null, ageSeconds: null, items: 0, error: null, ...extra };
}

/** A run's worth of metrics, from the real monitor (labelled as the client labels them) and breakers on a manual clock. */
async function sampleInput(): Promise<MetricsInput> {
  const clock = new ManualClock(NOW - 4_000);
  let perfNow = 0;
  const monitor = new PerformanceMonitor({ clock, now: () => perfNow });
  const gecko = { host: 'api.coingecko.com', source: 'coingecko' };
  const loopback = { host: '127.0.0.1:8080', source: 'binance' };
  for (const ms of [100, 200, 300, 400]) {
    monitor.time(
      'http',
      () => {
        perfNow += ms;
      },
      gecko,
    );
    monitor.increment('http.requests', 1, gecko);
  }
  monitor.time(
    'http',
    () => {
      perfNow += 1500;
    },
    loopback,
  );
  monitor.time('parse', () => {
    perfNow += 5;
  });
  monitor.increment('cache_hits', 3);
  monitor.increment('cache_misses', 1);
  monitor.increment('http.retries', 2, gecko);
  monitor.increment('http.429', 1, gecko);
  monitor.increment('http.paced_ms', 1250, gecko);
  monitor.increment('source.items', 250, { source: 'coingecko' });
  monitor.recordError('http', { host: 'api.binance.com', source: 'binance' });
  await clock.advance(4_000);

  const open = new CircuitBreaker({ clock });
  for (let i = 0; i < 5; i++) await open.call(() => Promise.reject(new Error('down'))).catch(() => undefined);
  const breakers = new Map([
    ['api.coingecko.com', new CircuitBreaker({ clock })],
    ['api.binance.com', open],
  ]);
  return {
    command: 'crypto',
    stats: monitor.getStats(),
    series: monitor.series(),
    sources: [
      report('coingecko', 'fresh', { fetchedAt: new Date(NOW - 2_000).toISOString(), ageSeconds: 2, items: 250 }),
      report('binance', 'stale', { fetchedAt: new Date(NOW - 3_600_000).toISOString(), ageSeconds: 3600, items: 1800, error: 'HTTP 503' }),
      report('coincap', 'skipped', { error: 'COINCAP_API_KEY is not set' }),
    ],
    breakers,
    nowMs: NOW,
    history: {
      binance: { lastSuccessAt: NOW - 3_600_000 },
      coingecko: { lastSuccessAt: NOW - 86_400_000 },
      // Another command's source in the shared state: not this command's to report.
      hn: { lastSuccessAt: NOW - 60_000 },
    },
  };
}

const CRYPTO = { command: 'crypto' };

describe('renderPrometheus', () => {
  it('produces text the parser accepts, one family per name, with HELP, the right TYPE and gauges for per-run figures', async () => {
    const text = renderPrometheus(await sampleInput());
    expect(text.endsWith('\n')).toBe(true);
    const families = parsePrometheusTextFormat(text);
    const names = families.map((family) => family.name);
    expect(new Set(names).size).toBe(names.length);
    const types = Object.fromEntries(families.map((family) => [family.name, family.type]));
    expect(types).toEqual({
      qaht_run_timestamp_seconds: 'GAUGE',
      qaht_run_duration_seconds: 'GAUGE',
      qaht_cache_lookups: 'GAUGE',
      qaht_http_rate_limited: 'GAUGE',
      qaht_http_pacing_wait_seconds: 'GAUGE',
      qaht_http_requests: 'GAUGE',
      qaht_http_retries: 'GAUGE',
      qaht_events: 'GAUGE',
      qaht_http_errors: 'GAUGE',
      qaht_http_request_duration_seconds: 'SUMMARY',
      qaht_operation_duration_seconds: 'SUMMARY',
      qaht_cache_hit_ratio: 'GAUGE',
      qaht_breaker_state: 'GAUGE',
      qaht_source_up: 'GAUGE',
      qaht_source_status: 'GAUGE',
      qaht_source_items: 'GAUGE',
      qaht_source_data_age_seconds: 'GAUGE',
      qaht_last_success_timestamp_seconds: 'GAUGE',
    });
    // No `_total` without a true counter, and no host or source inside a name.
    expect(names.filter((name) => name.endsWith('_total'))).toEqual([]);
    expect(text).not.toMatch(/^qaht_\w*(coingecko|binance|127_0)/m);
    for (const family of families) expect(family.help.length).toBeGreaterThan(0);
    // No sample may carry a timestamp: node_exporter's textfile collector rejects those.
    for (const family of families) for (const sample of family.metrics) expect(sample).not.toHaveProperty('timestamp_ms');
  });

  it('puts the command label on every sample, and hosts and sources in labels of their own', async () => {
    const text = renderPrometheus(await sampleInput());
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.length).toBeGreaterThan(40);
    for (const sample of samples) expect(sample).toMatch(/^qaht_[a-z_]+\{command="crypto"[,}]/);
    expect(sampleValue(text, 'qaht_http_requests', { ...CRYPTO, host: 'api.coingecko.com', source: 'coingecko' })).toBe(4);
    expect(sampleValue(text, 'qaht_http_retries', { ...CRYPTO, host: 'api.coingecko.com', source: 'coingecko' })).toBe(2);
    expect(sampleValue(text, 'qaht_http_rate_limited', { ...CRYPTO, host: 'api.coingecko.com', source: 'coingecko' })).toBe(1);
    expect(sampleValue(text, 'qaht_http_pacing_wait_seconds', { ...CRYPTO, host: 'api.coingecko.com', source: 'coingecko' })).toBe(1.25);
    expect(sampleValue(text, 'qaht_http_errors', { ...CRYPTO, host: 'api.binance.com', source: 'binance' })).toBe(1);
    expect(sampleValue(text, 'qaht_cache_lookups', { ...CRYPTO, result: 'hit' })).toBe(3);
    expect(sampleValue(text, 'qaht_cache_lookups', { ...CRYPTO, result: 'miss' })).toBe(1);
    expect(sampleValue(text, 'qaht_events', { ...CRYPTO, event: 'source.items', source: 'coingecko' })).toBe(250);
    expect(sampleValue(text, 'qaht_run_timestamp_seconds', CRYPTO)).toBe(NOW / 1000);
    expect(sampleValue(text, 'qaht_run_duration_seconds', CRYPTO)).toBe(4);
    expect(sampleValue(text, 'qaht_cache_hit_ratio', CRYPTO)).toBe(0.75);
  });

  it('writes counters named _total when the monitor counts from a process start (serve)', async () => {
    const text = renderPrometheus({ ...(await sampleInput()), command: 'serve', cumulative: true });
    const types = Object.fromEntries(parsePrometheusTextFormat(text).map((family) => [family.name, family.type]));
    expect(types).toMatchObject({ qaht_http_requests_total: 'COUNTER', qaht_cache_lookups_total: 'COUNTER', qaht_events_total: 'COUNTER' });
    expect(types.qaht_http_requests).toBeUndefined();
    // Per-state and per-source figures stay gauges.
    expect(types).toMatchObject({ qaht_breaker_state: 'GAUGE', qaht_source_items: 'GAUGE', qaht_run_duration_seconds: 'GAUGE' });
    expect(sampleValue(text, 'qaht_http_requests_total', { command: 'serve', host: 'api.coingecko.com', source: 'coingecko' })).toBe(4);
  });

  it('summarises request latency per host and source in seconds: min, p95, max, sum and count', async () => {
    const text = renderPrometheus(await sampleInput());
    const gecko = { ...CRYPTO, host: 'api.coingecko.com', source: 'coingecko' };
    expect(sampleValue(text, 'qaht_http_request_duration_seconds', { ...gecko, quantile: '0' })).toBe(0.1);
    expect(sampleValue(text, 'qaht_http_request_duration_seconds', { ...gecko, quantile: '0.95' })).toBe(0.4);
    expect(sampleValue(text, 'qaht_http_request_duration_seconds', { ...gecko, quantile: '1' })).toBe(0.4);
    expect(sampleValue(text, 'qaht_http_request_duration_seconds_sum', gecko)).toBe(1);
    expect(sampleValue(text, 'qaht_http_request_duration_seconds_count', gecko)).toBe(4);
    expect(sampleValue(text, 'qaht_http_request_duration_seconds_count', { ...CRYPTO, host: '127.0.0.1:8080', source: 'binance' })).toBe(1);
    expect(sampleValue(text, 'qaht_operation_duration_seconds_sum', { ...CRYPTO, operation: 'parse' })).toBe(0.005);
    // The monitor keeps no median, so no 0.5 quantile is claimed.
    expect(sampleValue(text, 'qaht_http_request_duration_seconds', { ...gecko, quantile: '0.5' })).toBeUndefined();
  });

  it('sets 1 on the current breaker state of each host and 0 on the others', async () => {
    const text = renderPrometheus(await sampleInput());
    const state = (host: string, s: string): number | undefined => sampleValue(text, 'qaht_breaker_state', { ...CRYPTO, host, state: s });
    expect([state('api.binance.com', 'closed'), state('api.binance.com', 'open'), state('api.binance.com', 'half_open')]).toEqual([
      0, 1, 0,
    ]);
    expect([state('api.coingecko.com', 'closed'), state('api.coingecko.com', 'open'), state('api.coingecko.com', 'half_open')]).toEqual([
      1, 0, 0,
    ]);
  });

  it("reports per-source up, status, items, age and last success (this run winning over history), the command's sources only", async () => {
    const text = renderPrometheus(await sampleInput());
    const of = (source: string) => ({ ...CRYPTO, source });
    expect(sampleValue(text, 'qaht_source_up', of('coingecko'))).toBe(1);
    expect(sampleValue(text, 'qaht_source_up', of('binance'))).toBe(0);
    expect(sampleValue(text, 'qaht_source_up', of('coincap'))).toBeUndefined();
    expect(sampleValue(text, 'qaht_source_status', { ...of('binance'), status: 'stale' })).toBe(1);
    expect(sampleValue(text, 'qaht_source_status', { ...of('binance'), status: 'fresh' })).toBe(0);
    expect(sampleValue(text, 'qaht_source_status', { ...of('coincap'), status: 'skipped' })).toBe(1);
    expect(sampleValue(text, 'qaht_source_items', of('binance'))).toBe(1800);
    expect(sampleValue(text, 'qaht_source_data_age_seconds', of('binance'))).toBe(3600);
    expect(sampleValue(text, 'qaht_last_success_timestamp_seconds', of('coingecko'))).toBe((NOW - 2_000) / 1000);
    expect(sampleValue(text, 'qaht_last_success_timestamp_seconds', of('binance'))).toBe((NOW - 3_600_000) / 1000);
    expect(sampleValue(text, 'qaht_last_success_timestamp_seconds', of('coincap'))).toBeUndefined();
    expect(sampleValue(text, 'qaht_last_success_timestamp_seconds', of('hn'))).toBeUndefined();
  });

  it('escapes backslash, quote and newline in label values so they round-trip through the parser', async () => {
    const input = await sampleInput();
    const host = 'we"ird\\host\nname';
    input.breakers = new Map([[host, new CircuitBreaker()]]);
    input.series = { ...input.series, counters: [{ name: 'a"b\\c\nd', labels: {}, value: 7 }] };
    const text = renderPrometheus(input);
    expect(text).toContain('host="we\\"ird\\\\host\\nname"');
    expect(sampleValue(text, 'qaht_breaker_state', { ...CRYPTO, host, state: 'closed' })).toBe(1);
    expect(sampleValue(text, 'qaht_events', { ...CRYPTO, event: 'a"b\\c\nd' })).toBe(7);
    expect(escapeLabelValue('\\"\n')).toBe('\\\\\\"\\n');
  });

  it('leaves out families with nothing to report, such as the hit ratio before any cache lookup', () => {
    const monitor = new PerformanceMonitor({ clock: new ManualClock(NOW) });
    const text = renderPrometheus({
      command: 'news',
      stats: monitor.getStats(),
      series: monitor.series(),
      sources: [],
      breakers: new Map(),
      nowMs: NOW,
    });
    const names = parsePrometheusTextFormat(text).map((family) => family.name);
    expect(names).toEqual(['qaht_run_timestamp_seconds', 'qaht_run_duration_seconds']);
  });
});

describe('writeMetricsFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qaht-metrics-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces the file atomically with world-readable text and leaves no temp files', async () => {
    const path = join(dir, 'qaht.prom');
    const input = await sampleInput();
    await writeMetricsFile(path, { ...input, nowMs: NOW - 60_000 });
    await writeMetricsFile(path, input);
    expect(await readFile(path, 'utf8')).toBe(renderPrometheus(input));
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    expect(await readdir(dir)).toEqual(['qaht.prom']);
  });

  it('fails with a one-line usage error naming the path when the folder does not exist', async () => {
    const path = join(dir, 'missing', 'qaht.prom');
    const error = await writeMetricsFile(path, await sampleInput()).catch((e: unknown) => e);
    expect(isQahtError(error) && error.code).toBe('QAHT_ERR_USAGE');
    expect((error as Error).message).toBe(`cannot write metrics file ${path}: its folder does not exist`);
  });
});

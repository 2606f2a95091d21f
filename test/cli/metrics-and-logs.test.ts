import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { parsePrometheusTextFormat, type ParsedFamily } from '../helpers/prometheus-parser.js';
import { removeDir, runMain, tempCacheDir, useCliSandbox } from '../helpers/run-cli.js';
import { MARKET_KEYS, MARKET_PATHS, marketEnv, routeMarket } from './market-fixtures.js';
import { cryptoEnv, listFilesDeep, parseCommandJson, routeCrypto } from './ops-fixtures.js';

/**
 * The monitoring surface of the built bin (issue 7, "Metrics" and "Logging"): `--metrics-file`
 * read back by a real Prometheus text-format parser, and `--log-file` JSON lines without keys.
 */

let api: FakeApi;
let cacheDir: string;
/** Where metrics and log files go: not the cache dir, as in a real cron setup. */
let outDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});
beforeEach(async () => {
  outDir = await tempCacheDir();
});
afterEach(async () => {
  await removeDir(outDir);
});

async function readMetrics(path: string): Promise<Map<string, ParsedFamily>> {
  const families = parsePrometheusTextFormat(await readFile(path, 'utf8'));
  return new Map(families.map((family) => [family.name, family]));
}

/**
 * The same file with its TYPE lines left out, so every series reads as untyped: the parser folds
 * a summary's samples into one object without labels and drops labelled `_sum`/`_count` (a
 * limitation of its output shape), which would hide the per-host values.
 */
async function readUntypedMetrics(path: string): Promise<Map<string, ParsedFamily>> {
  const text = (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => !line.startsWith('# TYPE '))
    .join('\n');
  const merged = new Map<string, ParsedFamily>();
  for (const parsed of parsePrometheusTextFormat(text)) {
    const seen = merged.get(parsed.name);
    merged.set(parsed.name, seen ? { ...seen, metrics: [...seen.metrics, ...parsed.metrics] } : parsed);
  }
  return merged;
}

function family(families: Map<string, ParsedFamily>, name: string): ParsedFamily {
  const found = families.get(name);
  if (!found) throw new Error(`no ${name} family; have ${[...families.keys()].join(', ')}`);
  return found;
}

/** The value of the one sample of `name` whose labels include `labels`, as a number. */
function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number {
  const matches = family(families, name).metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  expect(matches, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return Number(matches[0]!.value);
}

/** Each line of a JSON-lines log, parsed (a line that is not JSON fails the test, naming it). */
function parseLogLines(text: string): Array<Record<string, unknown>> {
  const lines = text.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`log line is not JSON: ${line}`);
    }
  });
}

describe('--metrics-file', () => {
  it('writes a file a Prometheus text-format parser accepts, with cache-hit, breaker, latency and last-success families', async () => {
    routeCrypto(api);
    const metricsFile = join(outDir, 'qaht.prom');
    const env = cryptoEnv(api, cacheDir);

    const first = await runMain(['crypto', '--json', '--metrics-file', metricsFile], env);
    expect(first.code, first.stderr).toBe(0);
    // Metrics go to the file; stdout still carries exactly the results document.
    expect(parseCommandJson(first.stdout, first.stderr).results.length).toBeGreaterThan(0);
    const fetched = await readMetrics(metricsFile);

    for (const name of [
      'qaht_breaker_state',
      'qaht_cache_hit_ratio',
      'qaht_cache_lookups',
      'qaht_http_requests',
      'qaht_http_request_duration_seconds',
      'qaht_last_success_timestamp_seconds',
    ]) {
      expect(family(fetched, name).help, name).not.toBe('');
    }
    // Every sample says which command wrote it (read untyped: the parser folds a summary's labels away).
    const untyped = await readUntypedMetrics(metricsFile);
    for (const parsed of untyped.values()) for (const sample of parsed.metrics) expect(sample.labels?.command, parsed.name).toBe('crypto');
    // Breaker-state gauges: one sample per state of the API's host, 1 for the current state.
    expect(family(fetched, 'qaht_breaker_state').type).toBe('GAUGE');
    expect(sampleValue(fetched, 'qaht_breaker_state', { host: api.host, state: 'closed' })).toBe(1);
    expect(sampleValue(fetched, 'qaht_breaker_state', { host: api.host, state: 'open' })).toBe(0);
    expect(sampleValue(fetched, 'qaht_breaker_state', { host: api.host, state: 'half_open' })).toBe(0);
    // Cache: a first run misses everything. One run's counts are gauges.
    expect(family(fetched, 'qaht_cache_hit_ratio').type).toBe('GAUGE');
    expect(sampleValue(fetched, 'qaht_cache_hit_ratio')).toBe(0);
    expect(family(fetched, 'qaht_cache_lookups').type).toBe('GAUGE');
    expect(sampleValue(fetched, 'qaht_cache_lookups', { result: 'miss' })).toBe(3);
    // Requests per host and source, as labels.
    expect(sampleValue(fetched, 'qaht_http_requests', { host: api.host, source: 'coingecko' })).toBe(1);
    expect(sampleValue(fetched, 'qaht_http_requests', { host: api.host, source: 'binance' })).toBe(2);
    // Per-host latency summary with quantiles, in seconds.
    expect(family(fetched, 'qaht_http_request_duration_seconds').type).toBe('SUMMARY');
    expect(sampleValue(untyped, 'qaht_http_request_duration_seconds_count', { host: api.host, source: 'binance' })).toBe(2);
    const p95 = sampleValue(untyped, 'qaht_http_request_duration_seconds', { host: api.host, source: 'binance', quantile: '0.95' });
    const max = sampleValue(untyped, 'qaht_http_request_duration_seconds', { host: api.host, source: 'binance', quantile: '1' });
    expect(p95).toBeGreaterThan(0);
    expect(max).toBeGreaterThanOrEqual(p95);
    expect(max).toBeLessThan(10);
    const lastSuccess = sampleValue(fetched, 'qaht_last_success_timestamp_seconds', { source: 'coingecko' });
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(60);

    // The next run is served from cache: the file is replaced (atomically: no temp file left).
    const second = await runMain(['crypto', '--json', '--metrics-file', metricsFile], env);
    expect(second.code, second.stderr).toBe(0);
    const cached = await readMetrics(metricsFile);
    expect(sampleValue(cached, 'qaht_cache_hit_ratio')).toBe(1);
    // CoinGecko and the Binance ticker (exchangeInfo is only read to build a fresh ticker entry).
    expect(sampleValue(cached, 'qaht_cache_lookups', { result: 'hit' })).toBe(2);
    expect(family(cached, 'qaht_cache_lookups').metrics.some((m) => m.labels?.result === 'miss')).toBe(false);
    expect(cached.has('qaht_http_requests')).toBe(false);
    expect(api.requests).toHaveLength(3);
    expect(await listFilesDeep(outDir)).toEqual(['qaht.prom']);
  });

  it('shows an opened breaker as state="open"', async () => {
    routeMarket(api);
    api.fault(MARKET_PATHS.finnhub, { status: 503 });
    const metricsFile = join(outDir, 'qaht.prom');
    const run = await runMain(
      ['market', '--sources', 'finnhub', 'IBM', 'MSFT', 'KO', 'JPM', '--metrics-file', metricsFile],
      marketEnv(api, cacheDir),
    );
    expect(run.code, run.stderr).toBe(1);
    const families = await readMetrics(metricsFile);
    expect(sampleValue(families, 'qaht_breaker_state', { host: api.host, state: 'open' })).toBe(1);
    expect(sampleValue(families, 'qaht_breaker_state', { host: api.host, state: 'closed' })).toBe(0);
    expect(sampleValue(families, 'qaht_source_up', { source: 'finnhub' })).toBe(0);
  });
});

describe('--log-file', () => {
  it('with --log-level info: JSON lines in the file (none on stderr), at info or above, with no key in them', async () => {
    routeMarket(api);
    // Finnhub down: retries, then its breaker opens, which is logged at info.
    api.fault(MARKET_PATHS.finnhub, { status: 503 });
    const logFile = join(outDir, 'qaht.log');
    const run = await runMain(
      ['market', '--sources', 'finnhub', 'IBM', 'MSFT', 'KO', 'JPM', '--log-level', 'info', '--log-file', logFile],
      marketEnv(api, cacheDir),
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).not.toContain('"level"');

    const text = await readFile(logFile, 'utf8');
    const records = parseLogLines(text);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record).toMatchObject({ name: 'qaht', level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });
      expect(record.level as number).toBeGreaterThanOrEqual(30);
    }
    expect(records).toContainEqual(expect.objectContaining({ level: 30, host: api.host, from: 'CLOSED', to: 'OPEN' }));
    for (const key of Object.values(MARKET_KEYS)) expect(text).not.toContain(key);
  });

  it('LOG_LEVEL=debug: request URLs are logged with every key redacted, and no key reaches the log, metrics or cache files', async () => {
    routeMarket(api);
    const logFile = join(outDir, 'qaht.log');
    const metricsFile = join(outDir, 'qaht.prom');
    const env = marketEnv(api, cacheDir, { LOG_LEVEL: 'debug' });
    const outputs: string[] = [];

    // Each source in turn (appending to one log): its first request fails once and is retried,
    // which is logged with the request URL, key parameter included. Alpha Vantage is never retried
    // (every call spends its daily budget), so it only has to keep its key out of everything.
    for (const source of ['finnhub', 'alphavantage', 'stooq'] as const) {
      if (source !== 'alphavantage') api.fault(MARKET_PATHS[source], { status: 503 }, { times: 1 });
      const run = await runMain(
        ['market', '--sources', source, 'IBM', 'MSFT', '--log-file', logFile, '--metrics-file', metricsFile, '--json'],
        env,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(parseCommandJson(run.stdout).results).toHaveLength(2);
      outputs.push(run.stdout, run.stderr, await readFile(metricsFile, 'utf8'));
    }
    const log = await readFile(logFile, 'utf8');
    const retries = parseLogLines(log).filter((r) => r.msg === 'retrying request');
    const urls = retries.map((r) => String(r.url));
    for (const path of [MARKET_PATHS.finnhub, MARKET_PATHS.stooq])
      expect(
        urls.some((url) => new URL(url).pathname === path),
        path,
      ).toBe(true);
    for (const url of urls) expect(new URL(url).search).toMatch(/(token|apikey)=REDACTED/);

    const cacheFiles = await listFilesDeep(cacheDir);
    expect(cacheFiles.length).toBeGreaterThan(6);
    for (const file of cacheFiles) outputs.push(await readFile(join(cacheDir, file), 'utf8'));
    for (const text of [log, ...outputs]) for (const key of Object.values(MARKET_KEYS)) expect(text).not.toContain(key);
  });
});

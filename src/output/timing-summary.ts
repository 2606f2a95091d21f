import type { ChalkInstance } from 'chalk';
import { formatMs } from './format-number.js';
import {
  CACHE_HIT_COUNTER,
  CACHE_MISS_COUNTER,
  HTTP_BREAKER_REJECTED,
  HTTP_HOST_TIMING_PREFIX,
  HTTP_RATE_LIMITED,
  HTTP_RETRIES,
} from '../metric-names.js';

/** The subset of `PerformanceMonitor.getStats()` the summary reads. */
export interface SummaryStats {
  uptimeS: number;
  cacheHitRate: number | null;
  counters: Record<string, number>;
  timings: Record<string, { count: number; mean: number; p95: number; min: number; max: number }>;
}

/**
 * The timing summary that ends every run on stderr: per host request count, mean, p95 and max,
 * then cache hit rate, retries, 429s and breaker rejections. Hosts are labelled with the source
 * that uses them when known (the demo's loopback ports say nothing on their own).
 */
export function renderTimingSummary(
  stats: SummaryStats,
  chalk: ChalkInstance,
  sourceOfHost: ReadonlyMap<string, string> = new Map(),
): string[] {
  const hosts = Object.entries(stats.timings)
    .filter(([name]) => name.startsWith(HTTP_HOST_TIMING_PREFIX))
    .map(([name, t]) => {
      const host = name.slice(HTTP_HOST_TIMING_PREFIX.length);
      const source = sourceOfHost.get(host);
      return { label: source ? `${host} (${source})` : host, t };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
  const lines = [chalk.dim(`timing: run ${formatMs(stats.uptimeS * 1000)}`)];
  const width = Math.max(0, ...hosts.map(({ label }) => label.length));
  for (const { label, t } of hosts) {
    lines.push(
      chalk.dim(
        `  ${label.padEnd(width)}  ${String(t.count).padStart(3)} req  mean ${formatMs(t.mean)}  p95 ${formatMs(t.p95)}  max ${formatMs(t.max)}`,
      ),
    );
  }
  if (hosts.length === 0) lines.push(chalk.dim('  no network requests'));
  const c = stats.counters;
  const hits = c[CACHE_HIT_COUNTER] ?? 0;
  const misses = c[CACHE_MISS_COUNTER] ?? 0;
  const rate = stats.cacheHitRate === null ? 'n/a' : `${Math.round(stats.cacheHitRate * 100)}% (${hits}/${hits + misses})`;
  lines.push(
    chalk.dim(
      `  cache hit rate ${rate} · retries ${c[HTTP_RETRIES] ?? 0} · 429s ${c[HTTP_RATE_LIMITED] ?? 0} · breaker rejections ${c[HTTP_BREAKER_REJECTED] ?? 0}`,
    ),
  );
  return lines;
}

/**
 * The timing summary as one line, for a person at a terminal (the per-host block is `--timing`):
 * `timing: run 1.2s · 5 requests · cache hits 2/6 · retries 1 · 429s 0`.
 */
export function renderTimingLine(stats: SummaryStats, chalk: ChalkInstance): string {
  const requests = Object.entries(stats.timings)
    .filter(([name]) => name.startsWith(HTTP_HOST_TIMING_PREFIX))
    .reduce((sum, [, t]) => sum + t.count, 0);
  const c = stats.counters;
  const hits = c[CACHE_HIT_COUNTER] ?? 0;
  const lookups = hits + (c[CACHE_MISS_COUNTER] ?? 0);
  const parts = [
    `run ${formatMs(stats.uptimeS * 1000)}`,
    `${requests} ${requests === 1 ? 'request' : 'requests'}`,
    `cache hits ${lookups === 0 ? 'n/a' : `${hits}/${lookups}`}`,
    `retries ${c[HTTP_RETRIES] ?? 0}`,
    `429s ${c[HTTP_RATE_LIMITED] ?? 0}`,
  ];
  const rejected = c[HTTP_BREAKER_REJECTED] ?? 0;
  if (rejected > 0) parts.push(`breaker rejections ${rejected}`);
  return chalk.dim(`timing: ${parts.join(' · ')}`);
}

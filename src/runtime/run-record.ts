/**
 * A run's record of its outcome: one log line per source (a degraded one at warn, so a cron job's
 * log file records every degraded run and stays empty when all is well), the sources' history
 * (last success, last failure and why), and the metrics file when one was asked for.
 */
import type { Logger } from '../output/logger.js';
import { isDegraded } from '../output/status-lines.js';
import type { PerformanceMonitor } from '../perf/performance-monitor.js';
import type { SourceReport } from '../report.js';
import type { HostBreakers } from '../resilience/host-breakers.js';
import { SOURCE_NAMES, type SourceName } from '../sources/source-names.js';
import type { CacheMode } from '../store/cache-types.js';
import type { SourceHistoryPort } from '../store/store-ports.js';
import type { Clock } from '../time/clock.js';

export interface RunOutcome {
  command: string;
  sources: SourceReport<SourceName>[];
  metricsFile: string | undefined;
}

/** Records `outcome`; an `--offline` run chose not to ask, so its sources record no failure. */
export async function recordOutcome(
  outcome: RunOutcome,
  run: {
    logger: Logger;
    history: SourceHistoryPort;
    monitor: PerformanceMonitor;
    breakers: HostBreakers;
    mode: CacheMode;
    clock: Clock;
    /** With `--store redis://…`: 1 while the file store stands in for Redis (`qaht_store_fallback`). */
    storeFallback?: 0 | 1;
  },
): Promise<void> {
  const { logger, history } = run;
  const { command, sources, metricsFile } = outcome;
  const now = run.clock.now();
  for (const report of sources) {
    const fields = { source: report.name, status: report.status, items: report.items, ageSeconds: report.ageSeconds, error: report.error };
    if (isDegraded(report)) logger.warn(fields, `${report.name} ${report.status}${report.veryStale ? ' (very stale)' : ''}`);
    else logger.info(fields, 'source outcome');
    if (report.status === 'fresh') history.recordSuccess(report.name, now);
    if (run.mode !== 'offline' && (report.status === 'failed' || (report.status === 'stale' && report.error))) {
      history.recordFailure(report.name, now, report.error ?? 'unknown error');
    }
  }
  if (!sources.some((report) => report.status === 'fresh' || report.status === 'cached' || report.status === 'stale')) {
    logger.error({ sources: sources.map((report) => report.name) }, 'no results: every source failed and no cache could serve');
  }
  if (metricsFile) {
    const { writeMetricsFile } = await import('../output/prometheus.js');
    await writeMetricsFile(metricsFile, {
      command,
      stats: run.monitor.getStats(),
      series: run.monitor.series(),
      sources,
      breakers: run.breakers.all,
      nowMs: now,
      history: await history.read(SOURCE_NAMES),
      ...(run.storeFallback === undefined ? {} : { storeFallback: run.storeFallback }),
    });
  }
}

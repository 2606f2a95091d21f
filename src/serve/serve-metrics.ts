import { renderPrometheus, type SourceHistory } from '../output/prometheus.js';
import type { StatusReport } from '../output/status-report.js';
import type { MetricSeries, PerformanceStats } from '../perf/performance-monitor.js';
import type { SourceReport } from '../report.js';
import type { BreakerStateName } from '../resilience/circuit-breaker.js';
import { BINANCE_STREAM_SOURCE } from '../sources/crypto/binance-stream.js';
import type { ScreenBoard } from './screen-board.js';
import { servedDocument } from './served-document.js';

export interface ServeMetricsInput {
  board: ScreenBoard;
  /** The long-lived monitor's stats: its age and cache hit rate since the service started. */
  stats: Pick<PerformanceStats, 'uptimeS' | 'cacheHitRate'>;
  /** The monitor's labelled series (`PerformanceMonitor.series()`), counted since the service started. */
  series: MetricSeries;
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>;
  /** With a shared store: 1 while the file store stands in for it. */
  storeFallback?: 0 | 1 | undefined;
  health: StatusReport | undefined;
  nowMs: number;
}

/**
 * `GET /metrics`: the service's metrics as Prometheus text, every series labelled
 * `command="serve"`. Counters are cumulative since the start (they never go down while it runs);
 * the per-source gauges describe what each source last served. A source that several screens use
 * (finnhub for news and market, every news source once per query) appears once, as the screen
 * refreshed last left it, so no two samples share a label set.
 */
export function serveMetricsText(input: ServeMetricsInput): string {
  const sources = latestSources(input.board, input.nowMs);
  const stream = sources.find((source) => source.name === BINANCE_STREAM_SOURCE);
  const text = renderPrometheus({
    command: 'serve',
    // The monitor counts from the service's start: its counts are true counters (`_total`).
    cumulative: true,
    stats: input.stats,
    series: input.series,
    // The live stream is no REST source: its words are live/down, so it has a gauge of its own.
    sources: sources.filter((source) => source !== stream),
    breakers: input.breakers,
    nowMs: input.nowMs,
    ...(input.health ? { history: historyOf(input.health) } : {}),
    ...(input.storeFallback === undefined ? {} : { storeFallback: input.storeFallback }),
  });
  if (!stream) return text;
  return (
    `${text}# HELP qaht_stream_up Whether the live price stream is connected (1) or down (0).\n` +
    '# TYPE qaht_stream_up gauge\n' +
    `qaht_stream_up{command="serve",source="${BINANCE_STREAM_SOURCE}"} ${(stream.status as string) === 'live' ? 1 : 0}\n`
  );
}

function latestSources(board: ScreenBoard, nowMs: number): SourceReport[] {
  const byName = new Map<string, SourceReport>();
  const answered = board.states.filter((state) => state.answer !== undefined).sort((a, b) => a.answer!.at - b.answer!.at);
  for (const state of answered) {
    for (const source of servedDocument(state, nowMs)?.sources ?? []) byName.set(source.name, source);
  }
  return [...byName.values()];
}

function historyOf(health: StatusReport): Record<string, SourceHistory> {
  const history: Record<string, SourceHistory> = {};
  for (const source of health.sources) if (source.lastSuccessAt !== null) history[source.name] = { lastSuccessAt: source.lastSuccessAt };
  return history;
}

import type { ChalkInstance } from 'chalk';
import type { CommandResult } from '../report.js';
import { sanitizeText } from './sanitize.js';
import { renderStatusLines } from './status-lines.js';
import { renderTimingLine, renderTimingSummary, type SummaryStats } from './timing-summary.js';

/**
 * What stderr says after a data run: one status line per source, the command's notes, then the
 * timing summary (hosts labelled with the source that uses them, from `sourceOfHost`): one line
 * unless `detailedTiming` (the per-host block).
 */
export function renderRunReport(
  result: CommandResult<unknown>,
  stats: SummaryStats,
  sourceOfHost: ReadonlyMap<string, string>,
  chalk: ChalkInstance,
  detailedTiming = true,
): string[] {
  return [
    ...renderStatusLines(result.sources, chalk),
    ...result.notes.map((note) => sanitizeText(note)),
    ...(detailedTiming ? renderTimingSummary(stats, chalk, sourceOfHost) : [renderTimingLine(stats, chalk)]),
  ];
}

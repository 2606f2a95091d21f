import type { ChalkInstance } from 'chalk';
import type { CommandResult } from '../report.js';
import { sanitizeText } from './sanitize.js';
import { renderStatusLines } from './status-lines.js';
import { renderTimingSummary, type SummaryStats } from './timing-summary.js';

/**
 * What stderr says after a data run: one status line per source, the command's notes, then the
 * timing summary (hosts labelled with the source that uses them, from `sourceOfHost`).
 */
export function renderRunReport(
  result: CommandResult<unknown>,
  stats: SummaryStats,
  sourceOfHost: ReadonlyMap<string, string>,
  chalk: ChalkInstance,
): string[] {
  return [
    ...renderStatusLines(result.sources, chalk),
    ...result.notes.map((note) => sanitizeText(note)),
    ...renderTimingSummary(stats, chalk, sourceOfHost),
  ];
}

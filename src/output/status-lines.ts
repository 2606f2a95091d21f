import type { ChalkInstance } from 'chalk';
import type { SourceReport } from '../report.js';
import { formatAge } from './format-number.js';
import { sanitizeText } from './sanitize.js';

/**
 * One stderr line per source, e.g. `binance    stale    1820 items, 3h old (HTTP 503 from api.binance.com)`.
 * The freshness word is the JSON `status`, so people and scripts read the same vocabulary.
 */
export function renderStatusLines(reports: SourceReport[], chalk: ChalkInstance): string[] {
  const nameWidth = Math.max(...reports.map((r) => r.name.length), 4);
  return reports.map((report) => {
    const name = report.name.padEnd(nameWidth);
    const word = colourStatus(report.status.padEnd(7), report, chalk);
    return `${name}  ${word}  ${detail(report)}`.trimEnd();
  });
}

function detail(report: SourceReport): string {
  const reason = report.error ? sanitizeText(report.error) : '';
  switch (report.status) {
    case 'fresh':
      return `${report.items} items`;
    case 'cached':
      return `${report.items} items, ${formatAge(report.ageSeconds)} old`;
    case 'stale': {
      const age = `${report.items} items, ${formatAge(report.ageSeconds)} old`;
      const loud = report.veryStale ? ' — VERY STALE' : '';
      return `${age}${loud}${reason ? ` (${reason})` : ''}`;
    }
    case 'failed':
    case 'skipped':
      return reason;
  }
}

function colourStatus(text: string, report: SourceReport, chalk: ChalkInstance): string {
  switch (report.status) {
    case 'fresh':
      return chalk.green(text);
    case 'cached':
      return chalk.cyan(text);
    case 'stale':
      return report.veryStale ? chalk.red.bold(text) : chalk.yellow(text);
    case 'failed':
      return chalk.red(text);
    case 'skipped':
      return chalk.dim(text);
  }
}

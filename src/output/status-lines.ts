import type { ChalkInstance } from 'chalk';
import type { SourceReport } from '../report.js';
import { formatAge } from './format-number.js';
import { shortReason } from './short-reason.js';

/**
 * One stderr line per source, e.g. `binance    stale    1820 items, 3h old (HTTP 503 from api.binance.com)`.
 * The freshness word is the JSON `status`, so people and scripts read the same vocabulary. A
 * reason is cut to one line without URLs or bodies (`shortReason`); JSON and the log keep it whole.
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
  const reason = report.error ? shortReason(report.error) : '';
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

/** Whether a source's report makes the run degraded: it failed, served stale data, or served only part (an error beside data). */
export function isDegraded(report: SourceReport): boolean {
  return report.status === 'failed' || report.status === 'stale' || (report.status !== 'skipped' && report.error !== null);
}

/**
 * One line saying what was degraded, for `--quiet --strict` runs that exit 3 (all else on stderr
 * is silenced, so cron has something to mail): `screen: degraded: binance stale 3h (HTTP 503 from
 * api.binance.com); coincap failed (…)`.
 */
export function degradedLine(reports: readonly SourceReport[], bin = 'screen'): string {
  const parts = reports.filter(isDegraded).map((report) => {
    const age = report.status === 'stale' && report.ageSeconds !== null ? ` ${formatAge(report.ageSeconds)} old` : '';
    const reason = report.error ? ` (${shortReason(report.error, 60)})` : '';
    return `${report.name} ${report.status}${age}${reason}`;
  });
  return `${bin}: degraded: ${parts.join('; ')}`;
}

import { defineOption, switchOption } from '../../options/option-record.js';
import { choice, integer, quoteValue, usageError } from '../../options/parse-values.js';
import { resolveOptions } from '../../options/resolve-options.js';
import { HISTORY_SOURCES, type HistorySource, isHistorySource } from '../../store/history/series-key.js';
import type { CommandSpec, RunOutcome } from '../command-spec.js';
import { FILL_INTERVALS, HISTORY_ACTIONS, type HistoryAction, type HistoryOptions, type HistoryResult, runHistory } from './run.js';

/** Most coins `history fill --limit` takes (ten CoinGecko pages, as `screen crypto --top`). */
const MAX_FILL_LIMIT = 2500;

const HISTORY_OPTIONS = [
  defineOption({
    key: 'limit',
    flags: '--limit <n>',
    description: 'fill: the top N coins by market cap',
    default: 250,
    ...integer(1, MAX_FILL_LIMIT),
  }),
  defineOption({
    key: 'interval',
    flags: '--interval <interval>',
    description: 'fill: the bars to fill',
    default: '1d',
    ...choice(FILL_INTERVALS),
  }),
  switchOption('json', '--json', 'JSON on stdout'),
] as const;

/**
 * `screen history fill [--limit N] [--interval 1d|1h|all]`, `screen history status [--json]`,
 * `screen history clear [SOURCE]` (README "History (candles)").
 */
export const historyCommand: CommandSpec<HistoryOptions, HistoryResult> = {
  args: [
    { name: '<action>', description: 'fill, status or clear', choices: HISTORY_ACTIONS },
    { name: '[source]', description: 'clear: only this source', choices: HISTORY_SOURCES },
  ],
  options: HISTORY_OPTIONS,
  parse(input) {
    const [action = '', source] = input.args;
    const values = resolveOptions(HISTORY_OPTIONS, input.raw, input.env).values;
    const parsed = parseAction(action);
    if (source !== undefined && parsed !== 'clear') throw usageError(`history ${parsed} takes no source (only clear does)`);
    return {
      action: parsed,
      source: source === undefined ? undefined : parseSource(source),
      limit: values.limit,
      interval: values.interval,
      json: values.json,
    };
  },
  run: (context, options) => runHistory(context, options),
  async render(result, options, view) {
    const quiet = (line: string): string => (view.quiet ? '' : `${line}\n`);
    if (result.action === 'status') {
      const doc = `${JSON.stringify({ command: 'history', coverage: result.coverage })}\n`;
      if (options.json) return { stdout: doc, stderr: '' };
      const absent = result.marketAbsent ? `; market history absent (${result.marketAbsent})` : '';
      return { stdout: statusTable(result.coverage), stderr: quiet(`history in ${result.where}${absent}`) };
    }
    if (result.action === 'clear') {
      const what = options.source ? `${options.source} ` : '';
      const line = `removed ${result.removed} ${what}history series from ${result.where}`;
      return {
        stdout: options.json ? `${JSON.stringify({ command: 'history', action: 'clear', removed: result.removed })}\n` : '',
        stderr: quiet(line),
      };
    }
    const { sync } = result;
    const lines = [
      `history fill: ${result.coins} coins, ${sync.due} series due, ${sync.fetched} fetched in ${sync.requests} requests, ${sync.pending} still pending`,
      ...sync.failures.slice(0, 5).map((failure) => `  failed: ${failure}`),
    ];
    if (sync.failures.length > 5) lines.push(`  … and ${sync.failures.length - 5} more failures`);
    if (result.coins === 0) lines.push(`history fill: no coins to fill (coingecko: ${result.universe})`);
    const { market } = result;
    if (market.absent) lines.push(`history fill: market history absent (${market.absent})`);
    else
      lines.push(
        `history fill: ${market.days} market days fetched from Massive, ${market.missing} still missing`,
        ...market.failures.map((f) => `  failed: ${f}`),
      );
    const doc = {
      command: 'history',
      action: 'fill',
      coins: result.coins,
      due: sync.due,
      fetched: sync.fetched,
      requests: sync.requests,
      pending: sync.pending,
      failures: sync.failures.length,
    };
    return { stdout: options.json ? `${JSON.stringify(doc)}\n` : '', stderr: view.quiet ? '' : `${lines.join('\n')}\n` };
  },
  outcome(result): RunOutcome {
    if (result.action !== 'fill') return 'ok';
    // Nothing to fill, or every due series failed: no results. Series left to another process
    // (locked) or still pending after a partial fill are results, as a partial data run's are.
    const { sync } = result;
    if (result.coins === 0 || (sync.due > 0 && sync.fetched === 0 && sync.failures.length > 0)) return 'no-results';
    return 'ok';
  },
};

function statusTable(
  rows: readonly {
    source: string;
    interval: string;
    series: number;
    behind: number;
    gaps: number;
    first: string | null;
    last: string | null;
  }[],
): string {
  if (rows.length === 0) return '';
  const header = ['source', 'interval', 'series', 'behind', 'gaps', 'first', 'last'];
  const body = rows.map((r) => [
    r.source,
    r.interval,
    String(r.series),
    String(r.behind),
    String(r.gaps),
    r.first?.slice(0, 16) ?? '–',
    r.last?.slice(0, 16) ?? '–',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

function parseAction(raw: string): HistoryAction {
  const action = HISTORY_ACTIONS.find((candidate) => candidate === raw.trim().toLowerCase());
  if (action === undefined) throw usageError(`unknown history action ${quoteValue(raw)}; use fill, status or clear`);
  return action;
}

function parseSource(raw: string): HistorySource {
  const name = raw.trim().toLowerCase();
  if (!isHistorySource(name)) throw usageError(`unknown history source ${quoteValue(raw)}; choose from ${HISTORY_SOURCES.join(', ')}`);
  return name;
}

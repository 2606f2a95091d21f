import type { ChalkInstance } from 'chalk';
import { drawTable } from './draw-table.js';
import { formatAge, formatMs } from './format-number.js';
import { truncate } from './render-table.js';
import { sanitizeText } from './sanitize.js';
import type { CacheEntryHealth, HostHealth, SourceHealth, StatusReport } from './status-report.js';

/** Longest failure text shown in a table cell; `--json` has it whole. */
const REASON_MAX_CHARS = 80;
/** Cache ages listed per source in the table; `--json` and `screen cache ls` list them all. */
const CACHE_AGES_SHOWN = 3;

/** A table cell: its plain text (measured for width) and how to colour it. */
interface Cell {
  text: string;
  paint?: (text: string) => string;
}

const HEADERS = ['source', 'key', 'host', 'breaker', 'delay learned / doc', 'last success', 'last failure', '429s 24h', 'cache'];
const FAILURE_COLUMN = 6;

/**
 * One row per source; a source with several hosts (Binance) gets one line per host in the host
 * cells. The failure reason is cut to fit `widthColumns` (never below 20 characters).
 */
export async function renderStatusTable(report: StatusReport, chalk: ChalkInstance, widthColumns: number): Promise<string> {
  const now = report.generatedAt;
  const rows: Cell[][] = report.sources.map((source) => [
    { text: source.name },
    keyCell(source, chalk),
    { text: source.hosts.map((host) => sanitizeText(host.host)).join('\n') },
    breakerCell(source.hosts, now, chalk),
    { text: source.hosts.map((host) => delayText(host, source.documentedDelayMs, now)).join('\n') },
    { text: source.lastSuccessAt === null ? '–' : ago(source.lastSuccessAt, now) },
    failureCell(source, now, chalk),
    { text: String(source.rateLimits24h) },
    { text: cacheText(source.cache) },
  ]);
  fitFailureColumn(rows, widthColumns);
  const aligns = HEADERS.map((h) => (h === '429s 24h' ? ('right' as const) : ('left' as const)));
  return drawTable(
    { head: HEADERS, aligns, chalk },
    rows.map((row) => row.map((cell) => paintLines(cell))),
  );
}

/** The stderr lines beside the table: where the state was read, and which keys are missing. */
export function renderStatusNotes(report: StatusReport): string[] {
  const missing = report.sources.filter((source) => source.key.required && !source.key.configured).map((source) => source.key.variable);
  const lines = [`cache dir: ${sanitizeText(report.cacheDir)}`];
  // Said only when a shared store was asked for: the file store is the default and needs no line.
  if (report.store.url !== null) lines.push(`store: ${storeLine(report)}`);
  if (report.store.problem !== null) lines.push(`warning: ${sanitizeText(report.store.problem)}`);
  for (const problem of report.cacheProblems) lines.push(`warning: ${sanitizeText(problem)}`);
  if (missing.length > 0) lines.push(`keys not set (those sources are skipped): ${missing.join(', ')}`);
  return lines;
}

/** Truncates the failure texts so the table fits, if the other columns leave room for 20+ characters. */
function fitFailureColumn(rows: Cell[][], widthColumns: number): void {
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => longestLine(row[column]!.text))));
  const others = widths.reduce((sum, width, column) => (column === FAILURE_COLUMN ? sum : sum + width), 0);
  const frame = HEADERS.length + 1 + HEADERS.length * 2;
  const room = Math.max(20, Math.min(REASON_MAX_CHARS, widthColumns - others - frame));
  for (const row of rows) row[FAILURE_COLUMN]!.text = truncate(row[FAILURE_COLUMN]!.text, room);
}

function longestLine(text: string): number {
  return Math.max(...text.split('\n').map((line) => line.length));
}

/** Colours each line on its own, so cli-table3 never splits an escape sequence across lines. */
function paintLines(cell: Cell): string {
  const paint = cell.paint;
  return paint
    ? cell.text
        .split('\n')
        .map((line) => paint(line))
        .join('\n')
    : cell.text;
}

function keyCell(source: SourceHealth, chalk: ChalkInstance): Cell {
  const { variable, required, configured } = source.key;
  if (variable === null) return { text: '–', paint: chalk.dim };
  const budget = source.dailyBudget ? `, ${source.dailyBudget.usedToday}/${source.dailyBudget.limit} today` : '';
  if (configured) return { text: `set${budget}` };
  return required ? { text: 'missing', paint: chalk.yellow } : { text: 'optional', paint: chalk.dim };
}

/** One line per host; the colour follows the worst state among them. */
function breakerCell(hosts: readonly HostHealth[], now: number, chalk: ChalkInstance): Cell {
  const text = hosts.map((host) => breakerText(host, now)).join('\n');
  if (hosts.some((host) => host.breaker === 'OPEN')) return { text, paint: chalk.red };
  if (hosts.some((host) => host.breaker === 'HALF_OPEN')) return { text, paint: chalk.yellow };
  return { text, paint: chalk.green };
}

function breakerText(host: HostHealth, now: number): string {
  const wait = Math.max(0, (host.nextProbeAt ?? now) - now);
  switch (host.breaker) {
    case 'CLOSED':
      return host.failures > 0 ? `closed (${host.failures} failures)` : 'closed';
    case 'OPEN':
      return `OPEN, probe in ${formatAge(wait / 1000)}`;
    case 'HALF_OPEN':
      return wait > 0 ? `half-open, probe in ${formatAge(wait / 1000)}` : 'half-open, probe due';
  }
}

/** "1.6s / 1.0s": learned beside documented; a documented 0 means the API sets the pace (headers, daily budget). */
function delayText(host: HostHealth, documentedMs: number, now: number): string {
  const learned = host.learnedDelayMs === null ? '–' : formatMs(host.learnedDelayMs);
  const documented = documentedMs > 0 ? formatMs(documentedMs) : 'none';
  const blocked = host.blockedUntil === null ? '' : `, blocked ${formatAge((host.blockedUntil - now) / 1000)}`;
  return `${learned} / ${documented}${blocked}`;
}

function failureCell(source: SourceHealth, now: number, chalk: ChalkInstance): Cell {
  if (source.lastFailureAt === null) return { text: '–' };
  const reason = source.lastFailureReason === null ? '' : `: ${sanitizeText(source.lastFailureReason)}`;
  const recent = source.lastSuccessAt === null || source.lastFailureAt > source.lastSuccessAt;
  return { text: `${ago(source.lastFailureAt, now)}${reason}`, ...(recent ? { paint: chalk.red } : {}) };
}

function cacheText(entries: readonly CacheEntryHealth[]): string {
  if (entries.length === 0) return '–';
  const ages = entries.slice(0, CACHE_AGES_SHOWN).map((entry) => `${formatAge(entry.ageMs / 1000)} ${entry.fresh ? 'fresh' : 'stale'}`);
  const more = entries.length > CACHE_AGES_SHOWN ? ', …' : '';
  return `${entries.length} (${ages.join(', ')}${more})`;
}

function ago(epochMs: number, now: number): string {
  return `${formatAge(Math.max(0, now - epochMs) / 1000)} ago`;
}

/** "redis://host:6379/0 (shared)", or "the file store (the cache dir), not redis://…" when Redis did not answer. */
function storeLine(report: StatusReport): string {
  const url = sanitizeText(report.store.url ?? '');
  return report.store.kind === 'redis' ? `${url} (shared)` : `the file store (the cache dir), not ${url}`;
}

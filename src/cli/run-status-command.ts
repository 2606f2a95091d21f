import type { ChalkInstance } from 'chalk';
import type { CacheEntryHealth, HostHealth, SourceHealth, StatusReport } from '../commands/status.js';
import { formatAge, formatMs } from '../output/format-number.js';
import { truncate } from '../output/render-table.js';
import { sanitizeText } from '../output/sanitize.js';
import { EXIT } from './exit-codes.js';
import type { Invocation } from './program.js';
import { resolveRunSettings } from './settings.js';
import { chalkFor, terminalWidth, type CliIo } from './terminal.js';

type StatusInvocation = Extract<Invocation, { kind: 'status' }>;

/** Longest failure text shown in a table cell; `--json` has it whole. */
const REASON_MAX_CHARS = 80;
/** Cache ages listed per source in the table; `--json` and `screen cache ls` list them all. */
const CACHE_AGES_SHOWN = 3;

/**
 * `screen status [--json]`: per source, its breaker and learned delay per host, last success and
 * failure, recent 429s, cache entries and whether its key is set. Reads the cache dir only (no
 * network). Always exit 0: an unhealthy source is a finding, not an error of this command.
 */
export async function runStatusCommand(invocation: StatusInvocation, io: CliIo): Promise<number> {
  const raw = invocation.options;
  const settings = resolveRunSettings(raw, io.env);
  const { gatherStatus } = await import('../commands/status.js');
  const report = await gatherStatus({ cacheDir: settings.cacheDir, env: io.env });
  if (raw.json) {
    io.stdout.write(`${JSON.stringify(statusJson(report), null, 2)}\n`);
    return EXIT.ok;
  }
  const chalk = chalkFor(io.stdout, io.env, settings.color);
  io.stdout.write(`${await renderStatusTable(report, chalk, terminalWidth(io.stdout, io.env))}\n`);
  if (!settings.quiet) {
    const missing = report.sources.filter((source) => source.key.required && !source.key.configured).map((source) => source.key.variable);
    io.stderr.write(`cache dir: ${sanitizeText(report.cacheDir)}\n`);
    for (const problem of report.cacheProblems) io.stderr.write(`warning: ${sanitizeText(problem)}\n`);
    if (missing.length > 0) io.stderr.write(`keys not set (those sources are skipped): ${missing.join(', ')}\n`);
  }
  return EXIT.ok;
}

/** The `--json` document: times as ISO strings, ages in seconds, text sanitised. */
export function statusJson(report: StatusReport): object {
  const now = report.generatedAt;
  return {
    command: 'status',
    generatedAt: iso(now),
    cacheDir: report.cacheDir,
    cacheProblems: report.cacheProblems.map((problem) => sanitizeText(problem)),
    sources: report.sources.map((source) => ({
      name: source.name,
      key: source.key,
      documentedDelayMs: source.documentedDelayMs,
      hosts: source.hosts.map((host) => ({
        host: host.host,
        breaker: host.breaker,
        failures: host.failures,
        nextProbeAt: iso(host.nextProbeAt),
        probeInSeconds: host.nextProbeAt === null ? null : Math.max(0, host.nextProbeAt - now) / 1000,
        learnedDelayMs: host.learnedDelayMs,
        blockedUntil: iso(host.blockedUntil),
        updatedAt: iso(host.updatedAt),
      })),
      lastSuccessAt: iso(source.lastSuccessAt),
      lastFailureAt: iso(source.lastFailureAt),
      lastFailureReason: source.lastFailureReason === null ? null : sanitizeText(source.lastFailureReason),
      rateLimits24h: source.rateLimits24h,
      dailyBudget: source.dailyBudget,
      cache: source.cache.map((entry) => ({
        key: sanitizeText(entry.key),
        fetchedAt: iso(entry.fetchedAt),
        ageSeconds: entry.ageMs / 1000,
        ttlSeconds: entry.ttlMs / 1000,
        fresh: entry.fresh,
        sizeBytes: entry.sizeBytes,
      })),
    })),
  };
}

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
  const { default: Table } = await import('cli-table3');
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
  const table = new Table({
    head: HEADERS.map((h) => chalk.bold(h)),
    colAligns: HEADERS.map((h) => (h === '429s 24h' ? 'right' : 'left')),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row.map((cell) => paintLines(cell)));
  return table.toString();
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

function iso(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

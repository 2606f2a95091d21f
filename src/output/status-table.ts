import type { ChalkInstance } from 'chalk';
import type { ColumnSpec } from './column-spec.js';
import { formatAge, formatMs } from './format-number.js';
import { renderTable } from './render-table.js';
import { sanitizeText } from './sanitize.js';
import { shortReason } from './short-reason.js';
import type { CacheEntryHealth, HostHealth, SourceHealth, StatusReport } from './status-report.js';

/** Longest failure text shown in a table cell; `--json` has it whole. */
const REASON_MAX_CHARS = 80;
/** The failure cell shrinks this far before other columns are dropped to make room: "2m ago: HTTP 503 from <host>". */
const REASON_FLOOR_CHARS = 30;
/** Cache ages listed per source in the table; `--json` and `screen cache ls` list them all. */
const CACHE_AGES_SHOWN = 2;

/**
 * One line per source, fitted to `widthColumns`: on a narrow terminal the failure reason is cut
 * first (to 30 characters), then columns are dropped in this order: host, 429s, learned delay,
 * cache, key, last success; source, breaker and last failure always stay (at 80 columns, those three). A source with several
 * hosts (Binance) shows its first host and how many more, and the state of the worst breaker
 * among them; `--json` lists every host.
 */
export async function renderStatusTable(report: StatusReport, chalk: ChalkInstance, widthColumns: number, links = false): Promise<string> {
  return renderTable(report.sources, statusColumns(report.generatedAt), { width: widthColumns, chalk, links });
}

/** Each API's documentation: where a source name in `status` links to on a terminal (limits, keys, status pages). */
const API_DOCS: Readonly<Record<string, string>> = {
  coingecko: 'https://docs.coingecko.com/',
  binance: 'https://developers.binance.com/docs/binance-spot-api-docs',
  coincap: 'https://pro.coincap.io/api-docs',
  google_news: 'https://news.google.com/',
  hn: 'https://hn.algolia.com/api',
  gdelt: 'https://blog.gdeltproject.org/gdelt-doc-2-0-api-debuts/',
  newsapi: 'https://newsapi.org/docs',
  finnhub: 'https://finnhub.io/docs/api',
  alphavantage: 'https://www.alphavantage.co/documentation/',
  stooq: 'https://stooq.com/',
};

/** The stderr lines beside the table: where the cache and state are, and which keys are missing. */
export function renderStatusNotes(report: StatusReport): string[] {
  const missing = report.sources.filter((source) => source.key.required && !source.key.configured).map((source) => source.key.variable);
  const lines = [`cache dir: ${sanitizeText(report.cacheDir)}`, `state dir: ${sanitizeText(report.stateDir)}`];
  // Said only when a shared store was asked for: the file store is the default and needs no line.
  if (report.store.url !== null) lines.push(`store: ${storeLine(report)}`);
  if (report.store.problem !== null) lines.push(`warning: ${sanitizeText(report.store.problem)}`);
  for (const problem of report.cacheProblems) lines.push(`warning: ${sanitizeText(problem)}`);
  if (missing.length > 0) lines.push(`keys not set (those sources are skipped): ${missing.join(', ')}`);
  return lines;
}

function statusColumns(now: number): ColumnSpec<SourceHealth>[] {
  return [
    { key: 'source', header: 'source', value: (source) => source.name, link: (source) => API_DOCS[source.name], dropOrder: 0 },
    { key: 'key', header: 'key', value: keyText, colour: keyColour, dropOrder: 2 },
    { key: 'host', header: 'host', value: hostText, dropOrder: 7 },
    { key: 'breaker', header: 'breaker', value: (source) => breakerText(source.hosts, now), colour: breakerColour, dropOrder: 0 },
    {
      key: 'delay',
      header: 'delay learned / doc',
      value: (source) => delayText(source.hosts, source.documentedDelayMs, now),
      dropOrder: 5,
    },
    {
      key: 'lastSuccess',
      header: 'last success',
      value: (source) => (source.lastSuccessAt === null ? '–' : ago(source.lastSuccessAt, now)),
      dropOrder: 1,
    },
    {
      key: 'lastFailure',
      header: 'last failure',
      value: (source) => failureText(source, now),
      colour: failureColour,
      maxWidth: REASON_MAX_CHARS,
      flexFloor: REASON_FLOOR_CHARS,
      dropOrder: 0,
    },
    { key: 'rateLimits', header: '429s 24h', value: (source) => String(source.rateLimits24h), align: 'right', dropOrder: 6 },
    { key: 'cache', header: 'cache', value: (source) => cacheText(source.cache), dropOrder: 3 },
  ];
}

function keyText(source: SourceHealth): string {
  const { variable, required, configured } = source.key;
  if (variable === null) return '–';
  const budget = source.dailyBudget ? `, ${source.dailyBudget.usedToday}/${source.dailyBudget.limit} today` : '';
  if (configured) return `set${budget}`;
  return required ? 'missing' : 'optional';
}

function keyColour(source: SourceHealth, chalk: ChalkInstance): ((text: string) => string) | undefined {
  const { variable, required, configured } = source.key;
  if (variable === null) return chalk.dim;
  if (configured) return undefined;
  return required ? chalk.yellow : chalk.dim;
}

/** The first host, and how many more (`--json` lists them all). */
function hostText(source: SourceHealth): string {
  const [first, ...more] = source.hosts;
  if (!first) return '–';
  return `${sanitizeText(first.host)}${more.length > 0 ? ` +${more.length}` : ''}`;
}

const SEVERITY: Record<HostHealth['breaker'], number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

/** The worst breaker among the hosts (the first of equals): what a request to this source meets first. */
function worstHost(hosts: readonly HostHealth[]): HostHealth | undefined {
  return hosts.reduce<HostHealth | undefined>(
    (worst, host) => (!worst || SEVERITY[host.breaker] > SEVERITY[worst.breaker] ? host : worst),
    undefined,
  );
}

function breakerText(hosts: readonly HostHealth[], now: number): string {
  const host = worstHost(hosts);
  if (!host) return '–';
  const text = hostBreakerText(host, now);
  const same = hosts.filter((other) => other.breaker === host.breaker).length;
  return hosts.length > 1 && host.breaker !== 'CLOSED' ? `${text} (${same} of ${hosts.length} hosts)` : text;
}

function hostBreakerText(host: HostHealth, now: number): string {
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

function breakerColour(source: SourceHealth, chalk: ChalkInstance): (text: string) => string {
  const state = worstHost(source.hosts)?.breaker;
  return state === 'OPEN' ? chalk.red : state === 'HALF_OPEN' ? chalk.yellow : chalk.green;
}

/**
 * "1.6s / 1.0s": the slowest learned delay among the hosts beside the documented one; a
 * documented 0 means the API sets the pace (headers, daily budget).
 */
function delayText(hosts: readonly HostHealth[], documentedMs: number, now: number): string {
  const learnedMs = hosts.reduce<number | null>(
    (slowest, host) => (host.learnedDelayMs === null ? slowest : Math.max(slowest ?? 0, host.learnedDelayMs)),
    null,
  );
  const blockedUntil = hosts.reduce<number | null>(
    (latest, host) => (host.blockedUntil === null ? latest : Math.max(latest ?? 0, host.blockedUntil)),
    null,
  );
  const learned = learnedMs === null ? '–' : formatMs(learnedMs);
  const documented = documentedMs > 0 ? formatMs(documentedMs) : 'none';
  const blocked = blockedUntil === null ? '' : `, blocked ${formatAge((blockedUntil - now) / 1000)}`;
  return `${learned} / ${documented}${blocked}`;
}

/** "10s ago: HTTP 503 from api.coingecko.com": one line, no URL or body (`--json` has the whole reason). */
function failureText(source: SourceHealth, now: number): string {
  if (source.lastFailureAt === null) return '–';
  const reason = source.lastFailureReason === null ? '' : `: ${shortReason(source.lastFailureReason, REASON_MAX_CHARS)}`;
  return `${ago(source.lastFailureAt, now)}${reason}`;
}

/** Red while the failure is newer than the last success. */
function failureColour(source: SourceHealth, chalk: ChalkInstance): ((text: string) => string) | undefined {
  if (source.lastFailureAt === null) return undefined;
  return source.lastSuccessAt === null || source.lastFailureAt > source.lastSuccessAt ? chalk.red : undefined;
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

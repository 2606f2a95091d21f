import { cacheEntryJson } from './cache-listing.js';
import { sanitizeText } from './sanitize.js';
import type { StatusReport } from './status-report.js';

/** The `status --json` document: times as ISO strings, ages in seconds, text sanitised. */
export function renderStatusJson(report: StatusReport): string {
  return `${JSON.stringify(statusDocument(report), null, 2)}\n`;
}

function statusDocument(report: StatusReport): object {
  const now = report.generatedAt;
  return {
    command: 'status',
    generatedAt: iso(now),
    cacheDir: report.cacheDir,
    stateDir: report.stateDir,
    store: { ...report.store, problem: report.store.problem === null ? null : sanitizeText(report.store.problem) },
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
      cache: source.cache.map(cacheEntryJson),
    })),
  };
}

function iso(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

import type { ChalkInstance } from 'chalk';
import { drawTable } from './draw-table.js';
import { formatAge, formatBytes } from './format-number.js';
import { sanitizeText } from './sanitize.js';
import type { CacheEntryHealth } from './status-report.js';

/** A `cache ls` row: the entry's source beside its report fields. */
export type ListedEntry = CacheEntryHealth & { source: string };

/** One cache entry in a JSON document (`cache ls --json`, `status --json`): times ISO, ages in seconds. */
export function cacheEntryJson(entry: CacheEntryHealth): object {
  return {
    key: sanitizeText(entry.key),
    fetchedAt: new Date(entry.fetchedAt).toISOString(),
    ageSeconds: entry.ageMs / 1000,
    ttlSeconds: entry.ttlMs / 1000,
    fresh: entry.fresh,
    sizeBytes: entry.sizeBytes,
  };
}

/**
 * The `cache ls --json` document. `where` is the cache dir (`cacheDir`), or the shared store's
 * password-free URL when `store` is `redis` (then `"store": "redis"` and `storeUrl`).
 */
export function renderCacheJson(entries: readonly ListedEntry[], where: string, nowMs: number, store: 'file' | 'redis' = 'file'): string {
  const document = {
    command: 'cache ls',
    generatedAt: new Date(nowMs).toISOString(),
    ...storeFields(where, store),
    entries: entries.map((entry) => ({ source: entry.source, ...cacheEntryJson(entry) })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** `cache ls` as a table: source, key, age, TTL, fresh or stale, size. */
export function renderCacheTable(entries: readonly ListedEntry[], chalk: ChalkInstance): Promise<string> {
  const layout = {
    head: ['source', 'key', 'age', 'ttl', 'state', 'size'],
    aligns: ['left', 'left', 'right', 'right', 'left', 'right'] as const,
    chalk,
  };
  return drawTable(
    layout,
    entries.map((entry) => [
      sanitizeText(entry.source),
      sanitizeText(entry.key),
      formatAge(entry.ageMs / 1000),
      formatAge(entry.ttlMs / 1000),
      entry.fresh ? chalk.green('fresh') : chalk.yellow('stale'),
      formatBytes(entry.sizeBytes),
    ]),
  );
}

/** The stderr line under `cache ls`: "4 entries, 20.0 KiB in /path". */
export function cacheSummary(entries: readonly ListedEntry[], cacheDir: string): string {
  const total = entries.reduce((sum, entry) => sum + entry.sizeBytes, 0);
  const count = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`;
  return `${count}${entries.length > 0 ? `, ${formatBytes(total)}` : ''} in ${sanitizeText(cacheDir)}`;
}

/** What `cache clear` says: the `--json` document, and the stderr line ("removed 3 entries of hn"). */
export function renderCacheClear(
  removed: number,
  where: string,
  source: string | undefined,
  store: 'file' | 'redis' = 'file',
): { json: string; line: string } {
  const json = `${JSON.stringify({ command: 'cache clear', ...storeFields(where, store), source: source ?? null, removed }, null, 2)}\n`;
  const line = `removed ${removed} ${removed === 1 ? 'entry' : 'entries'}${source ? ` of ${source}` : ''}`;
  return { json, line };
}

function storeFields(where: string, store: 'file' | 'redis'): { cacheDir: string } | { store: 'redis'; storeUrl: string } {
  // The file store's documents stay as they were before there was a choice.
  return store === 'redis' ? { store, storeUrl: where } : { cacheDir: where };
}

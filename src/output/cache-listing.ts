import type { ChalkInstance } from 'chalk';
import type { ColumnSpec } from './column-spec.js';
import { formatAge, formatBytes } from './format-number.js';
import { renderTable } from './render-table.js';
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

/** Longest key shown (real ones are under 100 characters); `--json` has them whole. */
const KEY_MAX_CHARS = 120;
/** A cache key shrinks this far before other columns are dropped to make room. */
const KEY_FLOOR_CHARS = 24;

/**
 * `cache ls` as a table that fits `widthColumns`: source, key, age, TTL, fresh or stale, size. A
 * long key is cut first (`--json` has it whole), then TTL and size are dropped. Without a width
 * (a pipe: someone greps the keys) nothing is cut or dropped.
 */
export function renderCacheTable(entries: readonly ListedEntry[], chalk: ChalkInstance, widthColumns?: number): Promise<string> {
  const columns: ColumnSpec<ListedEntry>[] = [
    { key: 'source', header: 'source', value: (entry) => entry.source, dropOrder: 0 },
    {
      key: 'key',
      header: 'key',
      value: (entry) => entry.key,
      ...(widthColumns === undefined ? {} : { maxWidth: KEY_MAX_CHARS, flexFloor: KEY_FLOOR_CHARS }),
      dropOrder: 0,
    },
    { key: 'age', header: 'age', value: (entry) => formatAge(entry.ageMs / 1000), align: 'right', dropOrder: 0 },
    { key: 'ttl', header: 'ttl', value: (entry) => formatAge(entry.ttlMs / 1000), align: 'right', dropOrder: 2 },
    {
      key: 'state',
      header: 'state',
      value: (entry) => (entry.fresh ? 'fresh' : 'stale'),
      colour: (entry, paint) => (entry.fresh ? paint.green : paint.yellow),
      dropOrder: 0,
    },
    { key: 'size', header: 'size', value: (entry) => formatBytes(entry.sizeBytes), align: 'right', dropOrder: 1 },
  ];
  return renderTable([...entries], columns, { width: widthColumns ?? Number.POSITIVE_INFINITY, chalk });
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

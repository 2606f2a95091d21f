import type { ChalkInstance } from 'chalk';
import type { CacheEntryHealth } from '../commands/status.js';
import { formatAge } from '../output/format-number.js';
import { sanitizeText } from '../output/sanitize.js';
import { isSourceName, SOURCE_NAMES, type SourceName } from '../sources/source-names.js';
import type { CacheListing } from '../store/cache-types.js';
import { systemClock } from '../time/clock.js';
import { EXIT } from './exit-codes.js';
import type { Invocation } from './program.js';
import { usageError } from './parse-values.js';
import { resolveRunSettings } from './settings.js';
import { chalkFor, type CliIo } from './terminal.js';

type CacheInvocation = Extract<Invocation, { kind: 'cache' }>;

const ACTIONS = ['ls', 'clear'] as const;
type CacheAction = (typeof ACTIONS)[number];

/** A `cache ls` row: the entry's source beside its report fields. */
type ListedEntry = CacheEntryHealth & { source: string };

/**
 * `screen cache ls [SOURCE] [--json]` lists cached entries (source, key, age, TTL, size);
 * `screen cache clear [SOURCE]` removes them and says how many on stderr.
 * @throws QahtError `QAHT_ERR_USAGE` for an unknown action or source (exit 2).
 */
export async function runCacheCommand(invocation: CacheInvocation, io: CliIo): Promise<number> {
  const action = parseAction(invocation.action);
  const source = invocation.source === undefined ? undefined : parseSource(invocation.source);
  const settings = resolveRunSettings(invocation.options, io.env);
  const { DiskCache } = await import('../store/disk-cache.js');
  // Not `DiskCache.open`: listing or clearing must not create (or demand write access to) the folder.
  const cache = new DiskCache({ dir: settings.cacheDir });
  const json = invocation.options.json === true;

  if (action === 'clear') {
    const removed = await cache.clear(source);
    if (json)
      io.stdout.write(
        `${JSON.stringify({ command: 'cache clear', cacheDir: settings.cacheDir, source: source ?? null, removed }, null, 2)}\n`,
      );
    if (!settings.quiet) io.stderr.write(`removed ${removed} ${removed === 1 ? 'entry' : 'entries'}${source ? ` of ${source}` : ''}\n`);
    return EXIT.ok;
  }

  const { cacheEntryHealth } = await import('../commands/status.js');
  const now = systemClock.now();
  const entries = (await cache.list())
    .filter((listing) => source === undefined || listing.source === source)
    .sort(bySourceThenNewest)
    .map((listing): ListedEntry => ({ source: listing.source, ...cacheEntryHealth(listing, now) }));
  if (json) {
    io.stdout.write(`${JSON.stringify(cacheJson(entries, settings.cacheDir, now), null, 2)}\n`);
    return EXIT.ok;
  }
  if (entries.length > 0) io.stdout.write(`${await renderCacheTable(entries, chalkFor(io.stdout, io.env, settings.color))}\n`);
  if (!settings.quiet) {
    const total = entries.reduce((sum, entry) => sum + entry.sizeBytes, 0);
    const count = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`;
    io.stderr.write(`${count}${entries.length > 0 ? `, ${formatBytes(total)}` : ''} in ${sanitizeText(settings.cacheDir)}\n`);
  }
  return EXIT.ok;
}

function parseAction(raw: string): CacheAction {
  const action = raw.trim().toLowerCase();
  if (!(ACTIONS as readonly string[]).includes(action)) throw usageError(`unknown cache action "${sanitizeText(raw)}"; use ls or clear`);
  return action as CacheAction;
}

function parseSource(raw: string): SourceName {
  const name = raw.trim().toLowerCase();
  if (!isSourceName(name)) throw usageError(`unknown source "${sanitizeText(raw)}"; choose from ${SOURCE_NAMES.join(', ')}`);
  return name;
}

function bySourceThenNewest(a: CacheListing, b: CacheListing): number {
  return a.source === b.source ? b.fetchedAt - a.fetchedAt : a.source < b.source ? -1 : 1;
}

function cacheJson(entries: readonly ListedEntry[], cacheDir: string, now: number): object {
  return {
    command: 'cache ls',
    generatedAt: new Date(now).toISOString(),
    cacheDir,
    entries: entries.map((entry) => ({
      source: entry.source,
      key: sanitizeText(entry.key),
      fetchedAt: new Date(entry.fetchedAt).toISOString(),
      ageSeconds: entry.ageMs / 1000,
      ttlSeconds: entry.ttlMs / 1000,
      fresh: entry.fresh,
      sizeBytes: entry.sizeBytes,
    })),
  };
}

async function renderCacheTable(entries: readonly ListedEntry[], chalk: ChalkInstance): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: ['source', 'key', 'age', 'ttl', 'state', 'size'].map((h) => chalk.bold(h)),
    colAligns: ['left', 'left', 'right', 'right', 'left', 'right'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const entry of entries) {
    table.push([
      sanitizeText(entry.source),
      sanitizeText(entry.key),
      formatAge(entry.ageMs / 1000),
      formatAge(entry.ttlMs / 1000),
      entry.fresh ? chalk.green('fresh') : chalk.yellow('stale'),
      formatBytes(entry.sizeBytes),
    ]);
  }
  return table.toString();
}

/** 512 → "512 B", 20480 → "20.0 KiB". */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

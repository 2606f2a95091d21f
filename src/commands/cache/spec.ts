import { switchOption } from '../../options/option-record.js';
import { quoteValue, usageError } from '../../options/parse-values.js';
import { resolveOptions } from '../../options/resolve-options.js';
import { LOCAL_RUN_OPTIONS } from '../../options/run-options.js';
import { cacheSummary, type ListedEntry, renderCacheClear, renderCacheJson, renderCacheTable } from '../../output/cache-listing.js';
import { isSourceName, SOURCE_NAMES, type SourceName } from '../../sources/source-names.js';
import type { CacheListing } from '../../store/cache-types.js';
import { DiskCache } from '../../store/file/disk-cache.js';
import type { CommandSpec } from '../command-spec.js';
import { cacheEntryHealth } from '../status/run.js';

const CACHE_OPTIONS = [switchOption('json', '--json', 'JSON on stdout')] as const;
const ACTIONS = ['ls', 'clear'] as const;

interface CacheCommandOptions {
  action: (typeof ACTIONS)[number];
  /** Only this source's entries; undefined = all. */
  source: SourceName | undefined;
  json: boolean;
}

/** `where`: the cache dir, or the shared store's URL (without its password) when that served. */
type CacheCommandResult =
  | { action: 'ls'; where: string; store: 'file' | 'redis'; nowMs: number; entries: ListedEntry[] }
  | { action: 'clear'; where: string; store: 'file' | 'redis'; removed: number };

/**
 * `screen cache ls [SOURCE] [--json]` lists cached entries (source, key, age, TTL, size);
 * `screen cache clear [SOURCE]` removes them and says how many on stderr. Neither creates the
 * cache folder or demands write access to it.
 */
export const cacheCommand: CommandSpec<CacheCommandOptions, CacheCommandResult> = {
  args: [
    { name: '<action>', description: 'ls or clear', choices: ACTIONS },
    { name: '[source]', description: 'only this source', choices: SOURCE_NAMES },
  ],
  options: CACHE_OPTIONS,
  runOptions: LOCAL_RUN_OPTIONS,
  parse(input) {
    const [action = '', source] = input.args;
    return {
      action: parseAction(action),
      source: source === undefined ? undefined : parseSource(source),
      json: resolveOptions(CACHE_OPTIONS, input.raw, input.env).values.json,
    };
  },
  async run(context, options) {
    const location = context.settings.store;
    const cacheDir = context.settings.cacheDir;
    let listed: CacheListing[];
    let where = cacheDir;
    let store: 'file' | 'redis' = 'file';
    const shared =
      location.kind === 'redis'
        ? await (await import('../../runtime/shared-status.js')).sharedCacheAction({
            location,
            cacheDir,
            clock: context.clock,
            action: options.action,
            source: options.source,
            onUnreachable: (reason) => context.stderr.write(`warning: ${reason}; using the file store in ${cacheDir}\n`),
          })
        : undefined;
    if (shared && location.kind === 'redis') {
      where = location.safeUrl;
      store = 'redis';
      if ('removed' in shared) return { action: 'clear', where, store, removed: shared.removed };
      listed = shared.listings;
    } else {
      // Not `DiskCache.open`: listing or clearing must not create (or demand write access to) the folder.
      const cache = new DiskCache({ dir: cacheDir });
      if (options.action === 'clear') return { action: 'clear', where, store, removed: await cache.clear(options.source) };
      listed = await cache.list();
    }
    const nowMs = context.clock.now();
    const entries = listed
      .filter((listing) => options.source === undefined || listing.source === options.source)
      .sort(bySourceThenNewest)
      .map((listing): ListedEntry => ({ source: listing.source, ...cacheEntryHealth(listing, nowMs) }));
    return { action: 'ls', where, store, nowMs, entries };
  },
  async render(result, options, view) {
    if (result.action === 'clear') {
      const { json, line } = renderCacheClear(result.removed, result.where, options.source, result.store);
      return { stdout: options.json ? json : '', stderr: view.quiet ? '' : `${line}\n` };
    }
    if (options.json) return { stdout: renderCacheJson(result.entries, result.where, result.nowMs, result.store), stderr: '' };
    const table =
      result.entries.length > 0
        ? `${await renderCacheTable(result.entries, view.stdout.chalk, view.stdout.terminal ? view.stdout.reportWidthColumns : undefined)}\n`
        : '';
    return { stdout: table, stderr: view.quiet ? '' : `${cacheSummary(result.entries, result.where)}\n` };
  },
};

function parseAction(raw: string): CacheCommandOptions['action'] {
  const action = ACTIONS.find((candidate) => candidate === raw.trim().toLowerCase());
  if (action === undefined) throw usageError(`unknown cache action ${quoteValue(raw)}; use ls or clear`);
  return action;
}

function parseSource(raw: string): SourceName {
  const name = raw.trim().toLowerCase();
  if (!isSourceName(name)) throw usageError(`unknown source ${quoteValue(raw)}; choose from ${SOURCE_NAMES.join(', ')}`);
  return name;
}

function bySourceThenNewest(a: CacheListing, b: CacheListing): number {
  return a.source === b.source ? b.fetchedAt - a.fetchedAt : a.source < b.source ? -1 : 1;
}

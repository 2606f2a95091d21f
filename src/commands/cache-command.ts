import { switchOption } from '../options/option-record.js';
import { quoteValue, usageError } from '../options/parse-values.js';
import { resolveOptions } from '../options/resolve-options.js';
import { LOCAL_RUN_OPTIONS } from '../options/run-options.js';
import type { ListedEntry } from '../output/cache-listing.js';
import { isSourceName, SOURCE_NAMES, type SourceName } from '../sources/source-names.js';
import type { CacheListing } from '../store/cache-types.js';
import type { CommandSpec } from './command-spec.js';
import { cacheEntryHealth } from './status.js';

const CACHE_OPTIONS = [switchOption('json', '--json', 'JSON on stdout')] as const;
const ACTIONS = ['ls', 'clear'] as const;

interface CacheCommandOptions {
  action: (typeof ACTIONS)[number];
  /** Only this source's entries; undefined = all. */
  source: SourceName | undefined;
  json: boolean;
}

type CacheCommandResult =
  | { action: 'ls'; cacheDir: string; nowMs: number; entries: ListedEntry[] }
  | { action: 'clear'; cacheDir: string; removed: number };

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
    const { DiskCache } = await import('../store/disk-cache.js');
    // Not `DiskCache.open`: listing or clearing must not create (or demand write access to) the folder.
    const cache = new DiskCache({ dir: context.settings.cacheDir });
    const cacheDir = context.settings.cacheDir;
    if (options.action === 'clear') return { action: 'clear', cacheDir, removed: await cache.clear(options.source) };
    const nowMs = context.clock.now();
    const entries = (await cache.list())
      .filter((listing) => options.source === undefined || listing.source === options.source)
      .sort(bySourceThenNewest)
      .map((listing): ListedEntry => ({ source: listing.source, ...cacheEntryHealth(listing, nowMs) }));
    return { action: 'ls', cacheDir, nowMs, entries };
  },
  async render(result, options, view) {
    const listing = await import('../output/cache-listing.js');
    if (result.action === 'clear') {
      const { json, line } = listing.renderCacheClear(result.removed, result.cacheDir, options.source);
      return { stdout: options.json ? json : '', stderr: view.quiet ? '' : `${line}\n` };
    }
    if (options.json) return { stdout: listing.renderCacheJson(result.entries, result.cacheDir, result.nowMs), stderr: '' };
    const table =
      result.entries.length > 0
        ? `${await listing.renderCacheTable(result.entries, view.stdout.chalk, view.stdout.reportWidthColumns)}\n`
        : '';
    return { stdout: table, stderr: view.quiet ? '' : `${listing.cacheSummary(result.entries, result.cacheDir)}\n` };
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

import type { SourceName } from '../sources/source-names.js';
import type { CacheMode } from '../store/cache-types.js';
import { defineOption, type OptionValues, switchOption } from './option-record.js';
import { integer, sourceList, usageError } from './parse-values.js';
import { outputFile } from './path-value.js';

/** Largest `--limit`. */
const MAX_LIMIT = 1_000_000;

/** The options every data command (crypto, news, market) takes, for one command's sources and row default. */
export function dataOptions(command: { name: string; sources: readonly SourceName[]; defaultLimit: number }) {
  return [
    switchOption('forceRefresh', '--force-refresh', 'skip fresh cache and fetch now; stale cache still serves if the fetch fails'),
    switchOption('offline', '--offline', 'no network: serve from cache only (any age), marked as such'),
    switchOption('json', '--json', 'JSON document on stdout'),
    switchOption('csv', '--csv', 'CSV on stdout'),
    defineOption({
      key: 'limit',
      flags: '--limit <n>',
      description: 'rows to print',
      default: command.defaultLimit,
      ...integer(1, MAX_LIMIT),
    }),
    defineOption({
      key: 'sources',
      flags: '--sources <list>',
      description: 'only these sources, comma-separated',
      ...sourceList(command.sources, command.name),
    }),
    switchOption('strict', '--strict', 'exit 3 when results are degraded: a source failed or stale data was served'),
    defineOption({
      key: 'metricsFile',
      flags: '--metrics-file <path>',
      description: "also write the run's metrics in Prometheus text format",
      ...outputFile('metrics'),
    }),
    defineOption({
      key: 'outputFile',
      flags: '--output <file>',
      description: 'write the results to FILE atomically instead of stdout; a run that exits 1 leaves FILE as it was',
      ...outputFile('results'),
    }),
    switchOption('timing', '--timing', 'the timing summary per host on stderr (on a terminal it is one line without this)'),
  ] as const;
}

/** What the data options decide for a run. */
export interface DataRunOptions {
  /** `--force-refresh` / `--offline`: fixed once for every cache lookup of the run. */
  cacheMode: CacheMode;
  format: 'table' | 'json' | 'csv';
  /** `--limit`: rows to print. */
  limit: number;
  /** `--sources`: only these; undefined = all of the command's. */
  sources: SourceName[] | undefined;
  strict: boolean;
  metricsFile: string | undefined;
  /** `--output FILE`: the results go there (replaced atomically) instead of stdout. */
  outputFile: string | undefined;
  /** `--timing`: the per-host timing block even on a terminal. */
  timing: boolean;
}

/** @throws QahtError QAHT_ERR_USAGE for flags that cannot go together. */
export function toDataRunOptions(values: OptionValues<ReturnType<typeof dataOptions>>): DataRunOptions {
  if (values.offline && values.forceRefresh) throw usageError('--offline and --force-refresh cannot be combined');
  if (values.json && values.csv) throw usageError('--json and --csv cannot be combined');
  return {
    cacheMode: values.offline ? 'offline' : values.forceRefresh ? 'force-refresh' : 'normal',
    format: values.json ? 'json' : values.csv ? 'csv' : 'table',
    limit: values.limit,
    sources: values.sources,
    strict: values.strict,
    metricsFile: values.metricsFile,
    outputFile: values.outputFile,
    timing: values.timing,
  };
}

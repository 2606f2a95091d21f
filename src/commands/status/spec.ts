import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { demoKeys } from '../../demo/demo-keys.js';
import { switchOption } from '../../options/option-record.js';
import { resolveOptions } from '../../options/resolve-options.js';
import { LOCAL_RUN_OPTIONS } from '../../options/run-options.js';
import { renderStatusJson } from '../../output/status-json.js';
import type { StatusReport } from '../../output/status-report.js';
import { renderStatusNotes, renderStatusTable } from '../../output/status-table.js';
import type { CommandSpec } from '../command-spec.js';
import { gatherStatus } from './run.js';

const STATUS_OPTIONS = [switchOption('json', '--json', 'JSON on stdout')] as const;

/** The report, and whether only `--demo` runs have left anything (the hint to look there). */
interface StatusResult {
  report: StatusReport;
  onlyDemo: boolean;
}

/**
 * `screen status [--json]`: per source, its breaker and learned delay per host, last success and
 * failure, recent 429s, cache entries and whether its key is set. Reads the cache dir only (no
 * network). Always `ok`: an unhealthy source is a finding, not an error of this command. Under
 * `--demo` it reads the demo's own store, where every keyed source runs on the demo's sample key.
 */
export const statusCommand: CommandSpec<{ json: boolean }, StatusResult> = {
  options: STATUS_OPTIONS,
  runOptions: LOCAL_RUN_OPTIONS,
  parse: (input) => resolveOptions(STATUS_OPTIONS, input.raw, input.env).values,
  async run(context) {
    const { settings } = context;
    const report = await gatherStatus({
      cacheDir: settings.cacheDir,
      stateDir: settings.stateDir,
      env: settings.demo ? { ...context.env, ...demoKeys() } : context.env,
      clock: context.clock,
      store: settings.store,
    });
    const onlyDemo = !settings.demo && nothingKnown(report) && (await isDir(join(settings.cacheDir, 'demo')));
    return { report, onlyDemo };
  },
  async render({ report, onlyDemo }, options, view) {
    if (options.json) return { stdout: renderStatusJson(report), stderr: '' };
    const table = await renderStatusTable(report, view.stdout.chalk, view.stdout.reportWidthColumns, view.stdout.links);
    const notes = renderStatusNotes(report);
    if (onlyDemo) notes.push(`nothing recorded by real runs yet; what --demo runs did: ${view.bin} status --demo`);
    return { stdout: `${table}\n`, stderr: view.quiet ? '' : `${notes.join('\n')}\n` };
  },
};

/** No source has a success, a failure or a cache entry on record. */
function nothingKnown(report: StatusReport): boolean {
  return report.sources.every((source) => source.lastSuccessAt === null && source.lastFailureAt === null && source.cache.length === 0);
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

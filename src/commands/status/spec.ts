import { switchOption } from '../../options/option-record.js';
import { resolveOptions } from '../../options/resolve-options.js';
import { LOCAL_RUN_OPTIONS } from '../../options/run-options.js';
import { renderStatusJson } from '../../output/status-json.js';
import type { StatusReport } from '../../output/status-report.js';
import { renderStatusNotes, renderStatusTable } from '../../output/status-table.js';
import type { CommandSpec } from '../command-spec.js';
import { gatherStatus } from './run.js';

const STATUS_OPTIONS = [switchOption('json', '--json', 'JSON on stdout')] as const;

/**
 * `screen status [--json]`: per source, its breaker and learned delay per host, last success and
 * failure, recent 429s, cache entries and whether its key is set. Reads the cache dir only (no
 * network). Always `ok`: an unhealthy source is a finding, not an error of this command.
 */
export const statusCommand: CommandSpec<{ json: boolean }, StatusReport> = {
  options: STATUS_OPTIONS,
  runOptions: LOCAL_RUN_OPTIONS,
  parse: (input) => resolveOptions(STATUS_OPTIONS, input.raw, input.env).values,
  run: (context) =>
    gatherStatus({
      cacheDir: context.settings.cacheDir,
      stateDir: context.settings.stateDir,
      env: context.env,
      clock: context.clock,
      store: context.settings.store,
    }),
  async render(report, options, view) {
    if (options.json) return { stdout: renderStatusJson(report), stderr: '' };
    const table = await renderStatusTable(report, view.stdout.chalk, view.stdout.reportWidthColumns);
    return { stdout: `${table}\n`, stderr: view.quiet ? '' : `${renderStatusNotes(report).join('\n')}\n` };
  },
};

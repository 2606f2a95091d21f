import { EVAL_OPTIONS } from '../../options/eval-options.js';
import { quoteValue, usageError } from '../../options/parse-values.js';
import { resolveOptions } from '../../options/resolve-options.js';
import { LOCAL_RUN_OPTIONS } from '../../options/run-options.js';
import { JOURNAL_SCREENS, type JournalScreen } from '../../screens/eval/journal-record.js';
import type { CommandSpec } from '../command-spec.js';
import { renderEvalJson, renderEvalNotes, renderEvalTable } from './render-eval.js';
import { type EvalOptions, type EvalResult, runEval } from './run.js';

/**
 * `screen eval [crypto|market] [--horizon 1d|3d|7d|30d] [--basis journal|backfill] [--since DATE]
 * [--json]`: whether each signal has beaten the day's median coin since (README "`screen eval`").
 * Reads the store only: no request to any API. Always `ok`: "too early" is an answer, not a failure.
 */
export const evalCommand: CommandSpec<EvalOptions, EvalResult> = {
  args: [{ name: '[screen]', description: 'crypto (default) or market', choices: JOURNAL_SCREENS }],
  options: EVAL_OPTIONS,
  runOptions: LOCAL_RUN_OPTIONS,
  parse(input) {
    const values = resolveOptions(EVAL_OPTIONS, input.raw, input.env).values;
    return {
      screen: parseScreen(input.args[0] ?? 'crypto'),
      horizonDays: Number.parseInt(values.horizon, 10),
      basis: values.basis,
      since: values.since,
      json: values.json,
    };
  },
  run: (context, options) => runEval(context, options),
  async render(result, options, view) {
    if (options.json) return { stdout: renderEvalJson(result), stderr: '' };
    const table = await renderEvalTable(result, view.stdout.chalk);
    return { stdout: `${table}\n`, stderr: view.quiet ? '' : `${renderEvalNotes(result).join('\n')}\n` };
  },
};

function parseScreen(raw: string): JournalScreen {
  const screen = JOURNAL_SCREENS.find((candidate) => candidate === raw.trim().toLowerCase());
  if (screen === undefined) throw usageError(`screen eval takes crypto or market, got ${quoteValue(raw)}`);
  return screen;
}

import type { CommandSpec } from '../commands/command-spec.js';
import type { OptionRecord } from '../options/option-record.js';
import { longFlag } from '../options/option-record.js';
import { quoteValue, usageError } from '../options/parse-values.js';
import { RUN_OPTIONS } from '../options/run-options.js';
import {
  COMPLETION_SHELLS,
  type CompletionCommand,
  type CompletionModel,
  type CompletionOption,
  type CompletionShell,
  type CompletionValue,
  completionScript,
} from '../output/completion-script.js';
import { COMMON_CURRENCIES } from '../screens/crypto/currency.js';
import type { CommandEntry } from './command-entry.js';

/** commander's own options, which every command has too. */
const HELP: CompletionOption = { flag: '--help', short: '-h', description: 'display help', value: { kind: 'none' } };
const VERSION: CompletionOption = { flag: '--version', short: '-V', description: 'output the version number', value: { kind: 'none' } };

/**
 * `screen completion bash|zsh|fish`: prints a completion script for the shell (commands, their
 * options, source names, sort keys and other choices, file names where a path goes). It lives with
 * the CLI, not in src/commands, because what it describes is the CLI itself: the command index and
 * every command's option records, loaded only when this command runs.
 */
/** `screen completion`, over `commands` (the command index hands itself in: it is what the scripts complete). */
export const completionCommandFor = (commands: readonly CommandEntry[]): CommandSpec<{ shell: CompletionShell }, string> => ({
  args: [{ name: '<shell>', description: COMPLETION_SHELLS.join(', '), choices: COMPLETION_SHELLS }],
  options: [],
  runOptions: [],
  parse(input) {
    const raw = input.args[0] ?? '';
    const shell = COMPLETION_SHELLS.find((candidate) => candidate === raw.trim().toLowerCase());
    if (!shell) throw usageError(`unknown shell ${quoteValue(raw)}; use ${COMPLETION_SHELLS.join(', ')}`);
    return { shell };
  },
  run: async (_context, options) => completionScript(options.shell, await completionModel(commands)),
  render: async (script) => ({ stdout: script, stderr: '' }),
});

/** The model of the CLI the scripts are generated from: every command with its records. */
async function completionModel(entries: readonly CommandEntry[]): Promise<CompletionModel> {
  const commands = await Promise.all(
    entries.map(async (entry): Promise<CompletionCommand> => {
      const spec = await entry.load();
      const records = [...spec.options, ...(spec.runOptions ?? RUN_OPTIONS)];
      return {
        name: entry.name,
        summary: entry.summary,
        options: [...records.map(completionOption), HELP],
        positionals: (spec.args ?? []).map((argument) => argument.choices),
      };
    }),
  );
  return { programs: ['screen', 'qaht'], commands, options: [HELP, VERSION] };
}

function completionOption(record: OptionRecord<string, unknown>): CompletionOption {
  return { flag: longFlag(record), description: record.description, value: completionValue(record) };
}

function completionValue(record: OptionRecord<string, unknown>): CompletionValue {
  // The config file's lists, read when the user presses tab (`screen config watchlists`).
  if (record.key === 'watchlist') return { kind: 'program-words', args: 'config watchlists' };
  // Any code CoinGecko quotes is accepted; the common ones are offered.
  if (record.key === 'currency') return { kind: 'one-of', words: COMMON_CURRENCIES };
  switch (record.type) {
    case 'switch':
      return { kind: 'none' };
    case 'choice':
      return record.choices ? { kind: 'one-of', words: record.choices } : { kind: 'free' };
    case 'list':
      return record.choices ? { kind: 'list-of', words: record.choices } : { kind: 'free' };
    case 'path':
      return { kind: 'path' };
    case 'integer':
    case 'amount':
    case 'duration':
    case 'text':
    case 'url':
      return { kind: 'free' };
  }
}

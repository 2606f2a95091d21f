import { Command, Option } from 'commander';
import type { CommandSpec } from '../commands/command-spec.js';
import { helpText, type OptionRecord } from '../options/option-record.js';
import { RUN_OPTIONS } from '../options/run-options.js';
import { sanitizeText } from '../output/sanitize.js';
import type { CommandEntry } from './command-entry.js';
import { helpGroup, inHelpOrder, isShared } from './help-groups.js';

/** What the parsed command line asks for: a command's spec, its positional arguments and its options. */
export interface Invocation {
  spec: CommandSpec<unknown, unknown>;
  args: string[];
  /** Option values given on the command line, by record key; absent options are left out. */
  raw: Record<string, unknown>;
}

/** A command for the program: its index entry, and its spec when loaded (only then are its options known). */
export interface ProgramCommand {
  entry: CommandEntry;
  spec: CommandSpec<unknown, unknown> | undefined;
}

export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** Columns help is wrapped to. */
  helpWidth: number;
}

/** Longest quoted word of a commander message kept whole (an unknown 10k-character option is cut). */
const QUOTED_MAX_CHARS = 60;

/**
 * The commander program, built from the command index and the loaded specs' records (every
 * command also takes `RUN_OPTIONS`). commander only checks the shape of the command line and
 * collects raw values; values are parsed by the records. Actions only record the invocation:
 * running it is `main`'s job.
 */
export function buildProgram(
  bin: string,
  version: string,
  commands: readonly ProgramCommand[],
  onInvoke: (invocation: Invocation) => void,
  output: ProgramOutput,
): Command {
  const program = new Command(bin);
  // Set before any subcommand exists: commander copies these settings into subcommands only at creation.
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => output.writeOut(text),
    writeErr: (text) => output.writeErr(text),
    getOutHelpWidth: () => output.helpWidth,
    getErrHelpWidth: () => output.helpWidth,
    outputError: (text, write) => write(`${bin}: ${oneLine(text)}\n`),
  });
  program
    .description('A resilient crypto, news and market screener (also installed as `qaht`)')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  program.addHelpText('after', examplesText(PROGRAM_EXAMPLES, output.helpWidth));
  for (const { entry, spec } of commands) {
    const command = program.command(entry.name).description(entry.summary);
    if (entry.examples) command.addHelpText('after', examplesText(entry.examples, output.helpWidth));
    if (spec) register(command, spec, onInvoke, SCREENING_COMMANDS.includes(entry.name));
  }
  return program;
}

/** What `screen --help` shows under its command list. */
const PROGRAM_EXAMPLES = [
  'screen crypto                       the top coins, ranked (no key needed)',
  'screen news "bitcoin etf"           deduplicated headlines from five sources',
  'screen market AAPL MSFT             stock quotes (needs a Finnhub, Alpha Vantage or Stooq key)',
  'screen crypto --demo                no network: bundled sample API responses on loopback',
  'screen status                       breakers, learned delays, last failures, cache ages',
  "screen <command> --help             that command's options and examples",
];

/**
 * "Examples:" and one line per example; an example wider than `widthColumns` puts what it does on
 * the next line (help is wrapped like the options above it, 80 columns in a pager).
 */
function examplesText(examples: readonly string[], widthColumns: number): string {
  const lines = examples.map((example) => {
    const line = `  ${example}`;
    if ([...line].length <= widthColumns) return line;
    const [command, ...what] = example.split(/ {2,}/);
    return what.length > 0 ? `  ${command}\n      ${what.join(' ')}` : line;
  });
  return `\nExamples:\n${lines.join('\n')}\n`;
}

/** The commands whose own options screen (the rest of their options are shared). */
const SCREENING_COMMANDS = ['crypto', 'news', 'market'];

function register(
  command: Command,
  spec: CommandSpec<unknown, unknown>,
  onInvoke: (invocation: Invocation) => void,
  screening: boolean,
): void {
  for (const argument of spec.args ?? []) command.argument(argument.name, argument.description);
  const records: readonly OptionRecord<string, unknown>[] = [...spec.options, ...(spec.runOptions ?? RUN_OPTIONS)];
  // A data command's spec lists its own options first, then the shared ones (whose keys help-groups knows).
  const own = new Set(spec.options.filter((record) => !isShared(record)));
  const options = inHelpOrder(records).map((record): [OptionRecord<string, unknown>, Option] => {
    const option = new Option(record.flags, helpText(record)).helpGroup(helpGroup(record, own.has(record), screening));
    // Each occurrence is kept, in order; the record parses them one by one.
    if (record.repeatable) option.argParser((value: string, previous: unknown) => [...(Array.isArray(previous) ? previous : []), value]);
    return [record, option];
  });
  for (const [, option] of options) command.addOption(option);
  command.action(function (this: Command) {
    const raw: Record<string, unknown> = {};
    for (const [record, option] of options) {
      const name = option.attributeName();
      // Only what the user typed: commander's own defaults (true for a --no-* switch) are the records' to give.
      if (this.getOptionValueSource(name) === 'cli') raw[record.key] = this.getOptionValue(name);
    }
    onInvoke({ spec, args: [...this.args], raw });
  });
}

/**
 * commander's message as one line without its "error: " prefix, long quoted words cut. Its
 * suggestion for a typo ("(Did you mean crypto?)", on a line of its own) joins the line.
 */
function oneLine(text: string): string {
  const [first = '', ...rest] = text.replace(/^error: /, '').split('\n');
  const suggestion = rest.find((line) => /^\(Did you mean /.test(line.trim()));
  const line = suggestion ? `${first} ${suggestion.trim().replace('(Did you mean', '(did you mean')}` : first;
  return sanitizeText(line).replace(
    new RegExp(`'([^']{${QUOTED_MAX_CHARS + 1},})'`, 'g'),
    (_, word: string) => `'${[...word].slice(0, QUOTED_MAX_CHARS - 1).join('')}…'`,
  );
}

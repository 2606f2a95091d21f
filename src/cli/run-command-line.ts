import { Chalk } from 'chalk';
import { CommanderError } from 'commander';
import type { CommandContext, RenderView } from '../commands/command-spec.js';
import { stat } from 'node:fs/promises';
import { isQahtError, QahtError } from '../errors.js';
import { type ConfigFile, loadConfigFile } from '../options/config-file.js';
import { quoteValue } from '../options/parse-values.js';
import { type ConfigLocation, resolveRunSettings } from '../options/run-options.js';
import type { OutputStream } from '../output/output-stream.js';
import { linksWanted } from '../output/hyperlink.js';
import { sanitizeText } from '../output/sanitize.js';
import { describeFsError, writeFileAtomic } from '../store/file/atomic-write.js';
import { redactText } from '../redact.js';
import { apiKeysIn } from '../sources/source-names.js';
import { systemClock } from '../time/clock.js';
import { packageVersion } from '../version.js';
import { COMMANDS } from './command-index.js';
import { EXIT, exitCodeFor, isUserError } from './exit-codes.js';
import { invokedName } from './invoked-name.js';
import { buildProgram, type Invocation, type ProgramCommand } from './program.js';
import { type CliIo, chalkFor, terminalWidth } from './terminal.js';
import { Shutdown } from '../runtime/shutdown.js';

/** Help's width without a terminal or COLUMNS: what a pager shows (`screen crypto --help | less`). */
const HELP_WIDTH_COLUMNS = 80;
/** Width of `status` and `cache ls` without a terminal or COLUMNS: what a mail or a pager shows. */
const REPORT_WIDTH_COLUMNS = 80;

/**
 * The CLI edge behind `main`: parses argv, runs the command, prints what it rendered, and turns
 * every outcome into an exit code. This is the only place that decides exit codes; nothing below
 * it prints to stdout or exits.
 */
export async function runCommandLine(argv: string[], io: CliIo): Promise<number> {
  const words = argv.slice(2);
  const bin = invokedName(argv[1]);
  const commands = await loadCommands(words[0]);
  let invocation: Invocation | undefined;
  const program = buildProgram(
    bin,
    packageVersion(),
    commands,
    (i) => {
      invocation = i;
    },
    {
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      helpWidth: terminalWidth(io.stdout, io.env, HELP_WIDTH_COLUMNS),
    },
  );
  try {
    if (words.length === 0) {
      io.stderr.write(program.helpInformation());
      return EXIT.usage;
    }
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; every real parse error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  if (!invocation) return EXIT.usage;
  try {
    return await execute(invocation, io, bin);
  } catch (error) {
    return reportFatal(error, io, invocation.raw, bin);
  }
}

/** Only the spec of the command named first is loaded; help, version and typos need them all. */
async function loadCommands(first: string | undefined): Promise<ProgramCommand[]> {
  const named = COMMANDS.find((entry) => entry.name === first);
  return Promise.all(COMMANDS.map(async (entry) => ({ entry, spec: !named || entry === named ? await entry.load() : undefined })));
}

/** Parse (every value checked before any work), run, print, exit code; deferred work runs last, whatever happened. */
async function execute(invocation: Invocation, io: CliIo, bin: string): Promise<number> {
  const { spec } = invocation;
  const settings = resolveRunSettings(invocation.raw, io.env, spec.runOptions);
  const config = spec.usesConfig ? await loadConfig(settings.config) : undefined;
  const options = await spec.parse({ args: invocation.args, raw: invocation.raw, env: io.env, config, configPath: settings.config.path });
  const deferred = new Shutdown();
  let degradedLate = false;
  const context: CommandContext = {
    bin,
    settings,
    env: io.env,
    clock: io.clock ?? systemClock,
    stderr: io.stderr,
    interrupts: io.interrupts,
    afterOutput: (task) => deferred.add(task),
    degrade: () => {
      degradedLate = true;
    },
    terminal: io.stdout.isTTY
      ? async () =>
          (await import('./watch-terminal.js')).createWatchTerminal(io.stdout, io.stdin, chalkFor(io.stdout, io.env, settings.color), {
            restoreOnExit: io.ownsProcess === true,
          })
      : undefined,
  };
  let failure: { error: unknown } | undefined;
  let code: number = EXIT.ok;
  try {
    const result = await spec.run(context, options);
    const outputFile = spec.outputFile?.(options);
    // Results for a file are drawn as for a pipe: no colour, whatever FORCE_COLOR says.
    const results: Pick<OutputStream, 'isTTY' | 'columns'> = outputFile === undefined ? io.stdout : {};
    const view: RenderView = {
      bin,
      quiet: settings.quiet,
      stdout: {
        chalk: outputFile === undefined ? chalkFor(io.stdout, io.env, settings.color) : new Chalk({ level: 0 }),
        widthColumns: terminalWidth(results, io.env),
        reportWidthColumns: terminalWidth(results, io.env, REPORT_WIDTH_COLUMNS),
        terminal: results.isTTY === true,
        links: linksWanted(results, io.env, settings.links),
      },
      stderr: {
        chalk: chalkFor(io.stderr, io.env, settings.color),
        terminal: io.stderr.isTTY === true,
        verbose: settings.logLevel === 'info' || settings.logLevel === 'debug' || settings.logLevel === 'trace',
      },
    };
    const rendered = await spec.render(result, options, view);
    code = exitCodeFor(spec.outcome?.(result, options) ?? 'ok');
    if (outputFile === undefined) {
      if (rendered.stdout) io.stdout.write(rendered.stdout);
      // A run with nothing to show leaves the last good results where they were (a cron job's snapshot).
    } else if (code !== EXIT.noResults) await writeResultsFile(outputFile, rendered.stdout);
    if (rendered.stderr) io.stderr.write(rendered.stderr);
  } catch (error) {
    failure = { error };
  }
  // Last registered first, like nested finally blocks; every task runs even when one fails.
  await deferred.run().catch((error: unknown) => {
    failure ??= { error };
  });
  if (failure) throw failure.error;
  return degradedLate && code === EXIT.ok ? EXIT.degraded : code;
}

/**
 * Replaces `path` with the results atomically (a reader never sees half of them); 0644 like the
 * metrics file, since another user often reads it. The path was checked before the run.
 * @throws QahtError QAHT_ERR_USAGE "cannot write --output …" (exit 2)
 */
async function writeResultsFile(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, { mode: 0o644 });
  } catch (error) {
    throw new QahtError('QAHT_ERR_USAGE', `cannot write --output ${quoteValue(path)}: ${describeFsError(error)}`, { cause: error });
  }
}

/**
 * The config file, for a command that reads it. Where there is none at the default place this
 * costs one stat: the TOML parser is loaded only when a file is there, or one was named.
 */
async function loadConfig(location: ConfigLocation): Promise<ConfigFile | undefined> {
  if (location.from === 'default') {
    const missing = await stat(location.path).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'ENOENT' || error.code === 'ENOTDIR',
    );
    if (missing) return undefined;
  }
  return loadConfigFile(location);
}

/** One line for the user; the stack only with --log-level debug (a user sees one line, never a stack). */
function reportFatal(error: unknown, io: CliIo, raw: Record<string, unknown>, bin: string): number {
  const level = typeof raw.logLevel === 'string' ? raw.logLevel : io.env.LOG_LEVEL;
  const debug = level === 'debug' || level === 'trace';
  // An error that escaped a command may quote an API's words: the same redaction as every report.
  const message = sanitizeText(redactText((error instanceof Error ? error.message : String(error)).split('\n')[0]!, apiKeysIn(io.env)));
  io.stderr.write(`${bin}: ${message}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${redactText(error.stack, apiKeysIn(io.env))}\n`);
  if (isUserError(error)) return EXIT.usage;
  // Anything else that escaped a command means no results were printed.
  if (!isQahtError(error)) io.stderr.write(`${bin}: this is a bug; please report it with --log-level debug output\n`);
  return EXIT.noResults;
}

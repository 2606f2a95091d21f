import { CommanderError } from 'commander';
import { isQahtError } from '../errors.js';
import { packageVersion } from '../version.js';
import { EXIT, isUserError } from './exit-codes.js';
import { buildProgram, type Invocation } from './program.js';
import type { CliIo } from './terminal.js';

/**
 * The CLI edge: parses argv, runs the command, and turns every outcome into an exit code. This is
 * the only place (with `bin/screen.js`) that decides exit codes; nothing below it prints or exits.
 */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let invocation: Invocation | undefined;
  const program = buildProgram(
    packageVersion(),
    (i) => {
      invocation = i;
    },
    { writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) },
  );
  try {
    if (argv.length <= 2) {
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
    return await dispatch(invocation, io);
  } catch (error) {
    return reportFatal(error, io, invocation.options);
  }
}

async function dispatch(invocation: Invocation, io: CliIo): Promise<number> {
  switch (invocation.kind) {
    case 'data': {
      const { runDataCommand } = await import('./run-data-command.js');
      return runDataCommand(invocation, io);
    }
    case 'status': {
      const { runStatusCommand } = await import('./run-status-command.js');
      return runStatusCommand(invocation, io);
    }
    case 'cache': {
      const { runCacheCommand } = await import('./run-cache-command.js');
      return runCacheCommand(invocation, io);
    }
  }
}

/** One line for the user; the stack only with --log-level debug (CONTRACT: no stack traces otherwise). */
function reportFatal(error: unknown, io: CliIo, options: Record<string, unknown>): number {
  const debug = (options.logLevel ?? io.env.LOG_LEVEL) === 'debug' || (options.logLevel ?? io.env.LOG_LEVEL) === 'trace';
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`screen: ${message.split('\n')[0]}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  if (isUserError(error)) return EXIT.usage;
  // Anything else that escaped a command means no results were printed.
  if (!isQahtError(error)) io.stderr.write('screen: this is a bug; please report it with --log-level debug output\n');
  return EXIT.noResults;
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

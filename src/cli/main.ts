import { packageVersion } from '../version.js';
import { EXIT } from './exit-codes.js';
import { fdOutput } from './fd-output.js';
import { processInterrupts } from './process-interrupts.js';
import type { CliIo } from './terminal.js';

/**
 * The CLI: `screen …` with the process's streams, environment and signals by default; in-process
 * callers (tests) pass their own streams, environment and clock, and no interrupts: the bin's
 * default I/O is the only one with signal handlers. Resolves to the exit code.
 *
 * `--version` alone is answered here; everything else (commander, the command index, the
 * command's spec) is loaded only for a real command line, so the version costs one small read.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const words = argv.slice(2);
  if (words.length === 1 && (words[0] === '--version' || words[0] === '-V')) {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const { runCommandLine } = await import('./run-command-line.js');
  return runCommandLine(argv, io);
}

function processIo(): CliIo {
  return {
    stdout: fdOutput(1),
    stderr: fdOutput(2),
    env: process.env,
    interrupts: processInterrupts,
    // A getter: touching process.stdin opens it, which a run that does not watch never needs.
    get stdin() {
      return process.stdin;
    },
    ownsProcess: true,
  };
}

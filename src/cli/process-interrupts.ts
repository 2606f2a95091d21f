import type { InterruptSignal, Interrupts } from '../commands/command-spec.js';
import { exitCodeForSignal } from './exit-codes.js';

/**
 * How long after an interrupt the process may take to end by itself, in ms. A long-running
 * command (`screen serve`) stops on the signal and returns, so the CLI exits 0 once every handle
 * is closed; this bound holds even if one is not (README "`screen serve`", Stopping: serve exits within 10 s).
 */
const INTERRUPT_GRACE_MS = 9_500;

/**
 * The process's own SIGINT and SIGTERM, for the bin: a one-shot run that is interrupted saves its
 * state and then ends the process with 130 or 143 (`exit`); a long-running one stops and returns,
 * and the CLI exits with its code. Only `main`'s default I/O uses this, so a test that calls
 * `main` in-process installs no signal handler and never exits its worker.
 */
export const processInterrupts: Interrupts = {
  subscribe(listener) {
    const handler = (signal: InterruptSignal): void => {
      endWithin(INTERRUPT_GRACE_MS, signal);
      listener(signal);
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
    return () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    };
  },
  exit(signal) {
    process.exit(exitCodeForSignal(signal));
  },
};

/**
 * Ends a process still alive `ms` after `signal`: with the exit code the CLI already set when the
 * command has returned (a handle left open must not turn a clean stop into a hang), else with the
 * signal's. Unref'd, so it never keeps a process alive by itself.
 */
function endWithin(ms: number, signal: InterruptSignal): void {
  setTimeout(() => {
    const code = process.exitCode;
    process.exit(typeof code === 'number' ? code : exitCodeForSignal(signal));
  }, ms).unref();
}

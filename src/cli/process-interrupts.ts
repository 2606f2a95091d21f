import type { InterruptSignal, Interrupts } from '../commands/command-spec.js';
import { exitCodeForSignal } from './exit-codes.js';

/**
 * The process's own SIGINT and SIGTERM, for the bin: a run that is interrupted saves its state and
 * then ends the process with 130 or 143. Only `main`'s default I/O uses this, so a test that
 * calls `main` in-process installs no signal handler and never exits its worker.
 */
export const processInterrupts: Interrupts = {
  subscribe(listener) {
    const handler = (signal: InterruptSignal): void => listener(signal);
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

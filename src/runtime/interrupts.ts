export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** The process's interrupts, as the CLI hands them to a run that must save its state on one. */
export interface Interrupts {
  /** Calls `listener` once on SIGINT or SIGTERM; returns the function that stops listening. */
  subscribe(listener: (signal: InterruptSignal) => void): () => void;
  /** Ends the process for `signal` (exit 130 or 143) once the run has saved what it could. */
  exit(signal: InterruptSignal): void;
}

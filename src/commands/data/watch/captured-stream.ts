import type { OutputStream } from '../../../output/output-stream.js';

/** Most lines kept off the screen during a watch (the oldest go first). */
const MAX_LINES = 200;

/** A stderr that holds what a `--watch` run writes (warnings, the log) off the redrawn screen. */
export interface CapturedStream extends OutputStream {
  /** Every complete line kept so far, oldest first. */
  lines(): string[];
  /** Lines that start with `warning:`, newest last. */
  warnings(): string[];
}

/**
 * While the table is redrawn in place, anything written to the terminal's stderr would tear the
 * frame: it is kept here instead, its warnings shown in the frame's footer, and all of it printed
 * once the terminal is restored.
 */
export function capturedStream(): CapturedStream {
  const kept: string[] = [];
  let partial = '';
  return {
    write(chunk: string) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      kept.push(...parts);
      if (kept.length > MAX_LINES) kept.splice(0, kept.length - MAX_LINES);
      return true;
    },
    lines: () => [...kept, ...(partial ? [partial] : [])],
    warnings: () => kept.filter((line) => line.startsWith('warning:')),
  };
}

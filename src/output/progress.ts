import type { Clock } from '../time/clock.js';
import type { OutputStream } from './output-stream.js';

/** Progress reporting; a no-op unless stderr is a TTY. */
export interface Progress {
  start(label: string, total: number): void;
  tick(done: number): void;
  /** Clears the line; a later `start` and `tick` may draw again. */
  stop(): void;
  /** Clears the line for good: nothing is drawn after it (an interrupted run says so on the next line). */
  end(): void;
}

/** Progress appears only after this long, so quick runs stay quiet. */
const SHOW_AFTER_MS = 1000;

/**
 * A one-line progress indicator on stderr: `label 12/100 · 3.1/s · ETA 28s`, redrawn in place. It
 * draws nothing unless stderr is a TTY (never in cron) and the work has lasted over a second.
 */
export function createProgress(stderr: OutputStream, enabled: boolean, clock: Clock): Progress {
  let label = '';
  let total = 0;
  let startedAt = 0;
  let drawn = false;
  let ended = false;
  const clear = (): void => {
    if (drawn) stderr.write('\r\u001b[2K');
    drawn = false;
  };
  return {
    start(newLabel, newTotal) {
      label = newLabel;
      total = newTotal;
      startedAt = clock.now();
    },
    tick(done) {
      if (!enabled || ended || total === 0) return;
      const elapsedMs = clock.now() - startedAt;
      if (elapsedMs < SHOW_AFTER_MS) return;
      const rate = done / (elapsedMs / 1000);
      const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
      stderr.write(`\r\u001b[2K${label} ${done}/${total} · ${rate.toFixed(1)}/s · ETA ${eta}s`);
      drawn = true;
    },
    stop: clear,
    end() {
      ended = true;
      clear();
    },
  };
}

import type { Clock } from '../../../time/clock.js';
import type { Interrupts, WatchTerminal } from '../../command-spec.js';

export interface WatchLoopOptions {
  terminal: WatchTerminal;
  clock: Clock;
  /** Time between refreshes, ms. */
  intervalMs: number;
  /** SIGINT/SIGTERM end the watch like `q` (when stdin is no terminal, Ctrl-C arrives so). */
  interrupts: Interrupts | undefined;
  /** Fetches and screens once (`force`: `r` asked to fetch now, past fresh cache). A rejection ends the watch with that error. */
  refresh(force: boolean): Promise<void>;
  /** A key the loop does not handle (paging); true when the frame must be drawn again. */
  onKey?(key: string): boolean;
  /** Draws what the last refresh got; `nextAtMs` is when the next one starts (epoch ms, on the clock). */
  draw(state: { refreshing: boolean; nextAtMs: number | undefined }): Promise<void>;
}

/** Keys that end a watch: q, Q, Ctrl-C (read as a key: the terminal is raw) and Ctrl-D. */
const QUIT_KEYS = new Set(['q', 'Q', '\u0003', '\u0004']);
/** Keys that fetch now (a refresh past fresh cache). */
const REFRESH_KEYS = new Set(['r', 'R', ' ']);

/**
 * The `--watch` loop: on the alternate screen, refresh, draw, wait `intervalMs` on the clock (a
 * key may cut the wait short), again, until a quit key or an interrupt. A quit does not wait for
 * a refresh under way: the run's context is closed after the loop, which ends its requests. The
 * terminal is restored whatever happens.
 */
export async function runWatchLoop(options: WatchLoopOptions): Promise<void> {
  const { terminal, clock } = options;
  const quit = new AbortController();
  let wake = new AbortController();
  const quitting = new Promise<void>((resolve) => quit.signal.addEventListener('abort', () => resolve(), { once: true }));
  // `r` fetches now: the next refresh skips fresh cache for every selected source (the interval's own refreshes do not).
  let forced = false;
  let shown: { refreshing: boolean; nextAtMs: number | undefined } = { refreshing: true, nextAtMs: undefined };
  const draw = async (state: typeof shown): Promise<void> => {
    shown = state;
    await options.draw(state);
  };
  terminal.open();
  const stopKeys = terminal.onKey((key) => {
    if (QUIT_KEYS.has(key)) quit.abort();
    else if (REFRESH_KEYS.has(key)) {
      forced = true;
      wake.abort();
    } else if (options.onKey?.(key)) void options.draw(shown).catch(() => undefined);
  });
  const stopInterrupts = options.interrupts?.subscribe(() => quit.abort());
  try {
    await draw({ refreshing: true, nextAtMs: undefined });
    while (!quit.signal.aborted) {
      const force = forced;
      forced = false;
      const refreshed = options.refresh(force).then(() => true);
      // A failed refresh that is abandoned by a quit must not become an unhandled rejection.
      refreshed.catch(() => undefined);
      if (!(await Promise.race([refreshed, quitting.then(() => false)]))) break;
      const nextAtMs = clock.now() + options.intervalMs;
      await draw({ refreshing: false, nextAtMs });
      wake = new AbortController();
      const waitSignal = AbortSignal.any([quit.signal, wake.signal]);
      // An `r` pressed during the refresh is not lost: the forced refresh starts now, not an interval later.
      if (!forced) await clock.sleep(options.intervalMs, waitSignal).catch(() => undefined);
      if (!quit.signal.aborted) await draw({ refreshing: true, nextAtMs: undefined });
    }
  } finally {
    stopKeys();
    stopInterrupts?.();
    terminal.close();
  }
}

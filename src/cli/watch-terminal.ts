import type { ChalkInstance } from 'chalk';
import type { WatchTerminal } from '../commands/command-spec.js';
import type { OutputStream } from '../output/output-stream.js';

/** The keyboard side of a terminal: the process's stdin, or a test's stand-in. */
export interface KeyInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  setEncoding?(encoding: 'utf8'): unknown;
  on(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  removeListener(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  resume?(): unknown;
  pause?(): unknown;
}

const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const HOME = '\u001b[H';
const CLEAR_LINE_END = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';

/**
 * `--watch`'s terminal over stdout and stdin. `open` switches to the alternate screen (what was on
 * the terminal comes back at `close`), hides the cursor and reads keys one at a time (raw mode,
 * when stdin is a terminal; otherwise only signals can end the watch). Each `draw` rewrites the
 * screen from the top and clears what is left of the last frame, so nothing scrolls or flickers.
 * With `restoreOnExit` (the real process), the terminal is also put back if the process exits
 * before `close`, by any path.
 */
/** One key in what a raw terminal sends: an arrow or paging key's escape sequence whole, else one character. */
const KEY = /\u001b\[[0-9;]*[~A-Za-z]|\u001bO[A-Za-z]|[\s\S]/gu;

export function createWatchTerminal(
  stdout: OutputStream,
  stdin: KeyInput | undefined,
  chalk: ChalkInstance,
  options: { restoreOnExit: boolean },
): WatchTerminal {
  const keys = stdin?.isTTY ? stdin : undefined;
  const listeners = new Set<(key: string) => void>();
  let opened = false;
  const onData = (chunk: string | Buffer): void => {
    for (const [key] of String(chunk).matchAll(KEY)) for (const listener of listeners) listener(key);
  };
  const restore = (): void => {
    if (!opened) return;
    opened = false;
    if (keys) {
      keys.removeListener('data', onData);
      keys.setRawMode?.(false);
      keys.pause?.();
    }
    stdout.write(`${SHOW_CURSOR}${LEAVE_ALTERNATE_SCREEN}`);
    if (options.restoreOnExit) process.removeListener('exit', restore);
  };
  return {
    chalk,
    size: () => ({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 }),
    open() {
      if (opened) return;
      opened = true;
      if (options.restoreOnExit) process.once('exit', restore);
      stdout.write(`${ENTER_ALTERNATE_SCREEN}${HIDE_CURSOR}${HOME}${CLEAR_BELOW}`);
      if (keys) {
        keys.setRawMode?.(true);
        keys.setEncoding?.('utf8');
        keys.on('data', onData);
        keys.resume?.();
      }
    },
    draw(frame) {
      if (!opened) return;
      stdout.write(`${HOME}${frame.split('\n').join(`${CLEAR_LINE_END}\r\n`)}${CLEAR_LINE_END}${CLEAR_BELOW}`);
    },
    onKey(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: restore,
  };
}

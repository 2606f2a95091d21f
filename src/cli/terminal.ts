import { Chalk, type ChalkInstance } from 'chalk';
import type { Interrupts } from '../commands/command-spec.js';
import type { OutputStream } from '../output/output-stream.js';
import type { Clock } from '../time/clock.js';
import type { KeyInput } from './watch-terminal.js';

/** The process's streams, environment, clock and signals, injectable so the CLI runs in-process in tests. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /** @default systemClock */
  clock?: Clock;
  /** SIGINT/SIGTERM; without them a run cannot be interrupted (the bin passes the process's). */
  interrupts?: Interrupts;
  /** Keys for `--watch` (`q` quits); read only when it is a terminal. */
  stdin?: KeyInput;
  /** This I/O is the real process's: a `--watch` terminal is restored even if the process exits abruptly. */
  ownsProcess?: boolean;
}

/**
 * Chalk for one stream. chalk's own detection (NO_COLOR, FORCE_COLOR, TTY) decides, and
 * `--no-color` forces level 0. A non-TTY stdout gets the table without colour (README "Output").
 */
export function chalkFor(stream: OutputStream, env: NodeJS.ProcessEnv, colorFlag: boolean): ChalkInstance {
  if (!colorFlag || env.NO_COLOR) return new Chalk({ level: 0 });
  const forced = env.FORCE_COLOR;
  if (forced === '0' || forced === 'false') return new Chalk({ level: 0 });
  if (forced !== undefined) return new Chalk({ level: forced === '3' ? 3 : forced === '2' ? 2 : 1 });
  return new Chalk({ level: stream.isTTY && env.TERM !== 'dumb' ? 1 : 0 });
}

/**
 * Table width: the terminal's, else `COLUMNS`, else `fallback`: 200 for results (piped output
 * reads well wide), 80 for reports a person reads in a mail or a pager (`status`, `cache ls`).
 */
export function terminalWidth(stream: Pick<OutputStream, 'isTTY' | 'columns'>, env: NodeJS.ProcessEnv, fallback = 200): number {
  if (stream.isTTY && stream.columns) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isFinite(fromEnv) && fromEnv >= 40 ? fromEnv : fallback;
}

import type { Clock } from '../time/clock.js';
import type { OutputStream } from './output-stream.js';

/** What one source is waiting for. */
type Wait =
  /** The cache lookup waits for another run's fill of the same entry (its lock). */
  | { kind: 'lock' }
  /** A request is out; the answer has not come. */
  | { kind: 'answer' }
  /** The retry policy sleeps before attempt `attempt + 1`. */
  | { kind: 'retry'; attempt: number; of: number; untilMs: number }
  /** The host's limiter holds the request back (until `untilMs` when the host named a time). */
  | { kind: 'paced'; untilMs: number | undefined };

/**
 * The pending-work line: what a run on a terminal is waiting for, on stderr, redrawn in place,
 * e.g. `waiting for coingecko retry 2/3 in 4s · gdelt paced until 10:42:07 · hn 6s`.
 */
export interface PendingWork {
  /** `source` starts waiting (for its cache entry's lock); returns the function that ends it. */
  begin(source: string): () => void;
  /** The lock is held (or there was none): `source` fetches now. */
  fetching(source: string): void;
  retrying(source: string, attempt: number, of: number, untilMs: number): void;
  paced(source: string, untilMs: number | undefined): void;
  /** The paced request went out. */
  sent(source: string): void;
  /** Erases the line for good (results are about to print). Safe to call twice. */
  end(): void;
}

/** Nothing is drawn before the run has waited this long: a quick run shows no line at all. */
const SHOW_AFTER_MS = 1000;
/** Redraw interval, so countdowns move. */
const REDRAW_MS = 250;

const NONE: PendingWork = {
  begin: () => () => undefined,
  fetching: () => undefined,
  retrying: () => undefined,
  paced: () => undefined,
  sent: () => undefined,
  end: () => undefined,
};

/**
 * The pending-work line, drawn only when `enabled` (stderr is a terminal, not `TERM=dumb`, not
 * `--quiet`: the caller decides) and once the run has waited over a second. `busy` is true while
 * another line owns stderr (a progress bar): this one then stays off.
 */
export function createPendingWork(stderr: OutputStream, options: { enabled: boolean; clock: Clock; busy?: () => boolean }): PendingWork {
  if (!options.enabled) return NONE;
  const { clock } = options;
  const startedAt = clock.now();
  const waits = new Map<string, { count: number; since: number; wait: Wait }>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let drawn = false;
  let ended = false;

  const erase = (): void => {
    if (drawn) stderr.write('\r\u001b[2K');
    drawn = false;
  };
  const draw = (): void => {
    if (ended) return;
    const now = clock.now();
    if (waits.size === 0 || now - startedAt < SHOW_AFTER_MS || options.busy?.()) {
      erase();
      return;
    }
    const parts = [...waits].map(([source, { since, wait }]) => `${source} ${describe(wait, since, now)}`);
    const line = `waiting for ${parts.join(' · ')}`;
    // A terminal that reports no size (0 columns) is taken as 80 wide.
    const width = Math.max(20, (stderr.columns || 80) - 1);
    stderr.write(`\r\u001b[2K${[...line].length > width ? `${[...line].slice(0, width - 1).join('')}…` : line}`);
    drawn = true;
  };
  const update = (source: string, wait: Wait): void => {
    const entry = waits.get(source);
    // Drawn by the timer only: a run of many requests does not write a line per event.
    if (entry) entry.wait = wait;
  };
  const schedule = (): void => {
    if (timer || ended) return;
    timer = setInterval(draw, REDRAW_MS);
    // The line never keeps a process alive: only pending work does.
    timer.unref?.();
  };
  const stopTimer = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  return {
    begin(source) {
      const entry = waits.get(source);
      if (entry) entry.count += 1;
      else waits.set(source, { count: 1, since: clock.now(), wait: { kind: 'lock' } });
      schedule();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        const current = waits.get(source);
        if (!current) return;
        current.count -= 1;
        if (current.count === 0) waits.delete(source);
        if (waits.size === 0) {
          stopTimer();
          erase();
        }
      };
    },
    fetching: (source) => update(source, { kind: 'answer' }),
    retrying: (source, attempt, of, untilMs) => update(source, { kind: 'retry', attempt, of, untilMs }),
    paced: (source, untilMs) => update(source, { kind: 'paced', untilMs }),
    sent: (source) => update(source, { kind: 'answer' }),
    end() {
      ended = true;
      stopTimer();
      erase();
    },
  };
}

function describe(wait: Wait, since: number, now: number): string {
  switch (wait.kind) {
    case 'lock':
      return 'waiting for the lock';
    case 'answer':
      return seconds(now - since);
    case 'retry':
      return `retry ${wait.attempt}/${wait.of} in ${seconds(Math.max(0, wait.untilMs - now))}`;
    case 'paced':
      return wait.untilMs === undefined ? 'paced' : `paced until ${clockTime(wait.untilMs)}`;
  }
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}

/** `10:42:07` in local time: what a person compares with their clock. */
function clockTime(epochMs: number): string {
  const at = new Date(epochMs);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

import type { InterruptSignal, RunOutcome } from '../commands/command-spec.js';
import { isQahtError } from '../errors.js';

/** Exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  noResults: 1,
  usage: 2,
  degraded: 3,
  interrupted: 130,
  terminated: 143,
} as const;

/** A finished run's exit code: 0 for results (maybe partial or stale), 1 for none, 3 for degraded under --strict. */
export function exitCodeFor(outcome: RunOutcome): number {
  switch (outcome) {
    case 'ok':
      return EXIT.ok;
    case 'degraded':
      return EXIT.degraded;
    case 'no-results':
      return EXIT.noResults;
  }
}

/** 130 after SIGINT, 143 after SIGTERM (128 + the signal number, as shells report them). */
export function exitCodeForSignal(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
}

/** Errors the user can fix by changing flags, environment or the cache dir: exit 2. */
export function isUserError(error: unknown): boolean {
  return (
    isQahtError(error) && (error.code === 'QAHT_ERR_USAGE' || error.code === 'QAHT_ERR_CACHE_DIR' || error.code === 'QAHT_ERR_MISSING_KEY')
  );
}

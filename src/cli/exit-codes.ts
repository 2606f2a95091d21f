import type { SourceReport } from '../commands/command-result.js';
import { isQahtError } from '../errors.js';

/** Exit codes (CONTRACT). */
export const EXIT = {
  ok: 0,
  noResults: 1,
  usage: 2,
  degraded: 3,
  interrupted: 130,
  terminated: 143,
} as const;

/**
 * 0 when anything was served; 1 when every source failed and no cache could serve; 3 instead of 0
 * under `--strict` when a source failed, served stale data, or served only part of what was asked.
 */
export function exitCodeForRun(sources: SourceReport[], strict: boolean): number {
  const served = sources.some((s) => s.status === 'fresh' || s.status === 'cached' || s.status === 'stale');
  if (!served) return EXIT.noResults;
  // A source that served but also reports an error (a market source that ran out of budget
  // partway) is degraded too: some of what was asked for is missing.
  const degraded = sources.some((s) => s.status === 'failed' || s.status === 'stale' || (s.status !== 'skipped' && s.error !== null));
  return strict && degraded ? EXIT.degraded : EXIT.ok;
}

/** Errors the user can fix by changing flags, environment or the cache dir: exit 2. */
export function isUserError(error: unknown): boolean {
  return (
    isQahtError(error) && (error.code === 'QAHT_ERR_USAGE' || error.code === 'QAHT_ERR_CACHE_DIR' || error.code === 'QAHT_ERR_MISSING_KEY')
  );
}

/**
 * The breaker settings every run and `screen status` share: open after 5 consecutive failures,
 * probe again after 60 s (src/README.md "How it stays up"). One place, so status reads state as runs wrote it.
 */
import type { Clock } from '../time/clock.js';
import { CircuitBreaker, isBreakerSnapshot } from './circuit-breaker.js';

export const BREAKER_FAILURE_THRESHOLD = 5;
export const BREAKER_RECOVERY_MS = 60_000;
/** A half-open probe that has not reported within this long counts as failed (`CircuitBreaker`'s default). */
export const BREAKER_HALF_OPEN_MAX_MS = 30_000;

/** The rules of a breaker shared by a fleet (`--store redis://`): the same numbers, one probe at a time. */
export const SHARED_BREAKER_RULES = {
  failureThreshold: BREAKER_FAILURE_THRESHOLD,
  recoveryTimeoutMs: BREAKER_RECOVERY_MS,
  halfOpenMaxProbes: 1,
  halfOpenMaxMs: BREAKER_HALF_OPEN_MAX_MS,
} as const;

/** `host`'s breaker with these settings, in the state an earlier run saved (`saved`, when it is a valid snapshot). */
export function savedBreaker(host: string, saved: unknown, clock: Clock): CircuitBreaker {
  return new CircuitBreaker({
    failureThreshold: BREAKER_FAILURE_THRESHOLD,
    recoveryTimeoutMs: BREAKER_RECOVERY_MS,
    clock,
    name: host,
    ...(isBreakerSnapshot(saved) ? { initialState: saved } : {}),
  });
}

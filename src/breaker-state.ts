/**
 * A circuit breaker's state, spelled one way everywhere: the in-process breaker, the fleet's shared
 * one, the state file, status, metrics and the dashboard. (The Redis scripts keep their own words
 * inside store/redis/, which reads them into these.)
 */
export type BreakerStateName = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

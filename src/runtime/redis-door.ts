/**
 * The only opener of a Redis store: a run's shared store, `screen status` and `screen cache` all
 * connect here, under one clock rule. Shared times are on the Redis server's clock (the offset
 * measured once at connect), so every process judges the fleet's stamps alike; only a caller that
 * brings its own clock (a test's manual clock) keeps it as the fleet's.
 */
import { RedisConnection } from '../store/redis/redis-connection.js';
import type { RedisLocation } from '../store/store-location.js';
import { systemClock, type Clock } from '../time/clock.js';

/**
 * Connects (1 s at most).
 * @param injected true when `clock` was given by the caller rather than being the system clock
 * @throws QahtError `QAHT_ERR_STORE_UNAVAILABLE` when Redis cannot be reached
 */
export function openRedis(location: RedisLocation, clock: Clock, options: DoorOptions = {}): Promise<RedisConnection> {
  return RedisConnection.open(connectionOptions(location, clock, options));
}

/**
 * A connection that starts down (Redis was unreachable at start) for a long-lived process: its
 * ports use the file store until `revive` reaches the server. Under the same clock rule, except
 * that no offset could be measured, so the fleet's clock is this process's until then.
 */
export function redisStartingDown(location: RedisLocation, clock: Clock, reason: string, options: DoorOptions = {}): RedisConnection {
  return RedisConnection.startingDown(connectionOptions(location, clock, options), reason);
}

interface DoorOptions {
  injected?: boolean;
  onDown?: (reason: string) => void;
  onDamaged?: (message: string) => void;
}

function connectionOptions(location: RedisLocation, clock: Clock, options: DoorOptions) {
  const injected = options.injected ?? clock !== systemClock;
  return {
    location,
    ...(injected ? { clock } : {}),
    ...(options.onDown ? { onDown: options.onDown } : {}),
    ...(options.onDamaged ? { onDamaged: options.onDamaged } : {}),
  };
}

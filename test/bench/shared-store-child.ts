/**
 * One "machine" of bench 9: sends GETs to the token bucket for `durationMs` through the real
 * client, two at a time, paced by the schedule shared in Redis (`shared`) or by its own limiter
 * alone (`local`). Prints `{ sent, failed }` as JSON.
 * argv: mode (shared | local), redis URL, bucket URL, documented delay (ms), duration (ms).
 */
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { SharedBreaker } from '../../src/fleet/shared-breaker.js';
import { SharedPacer } from '../../src/fleet/shared-pacer.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { SHARED_BREAKER_RULES } from '../../src/resilience/breaker-defaults.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { PendingWrites } from '../../src/store/pending-writes.js';
import { RedisConnection } from '../../src/store/redis/redis-connection.js';
import { RedisBreakers, RedisPacing } from '../../src/store/redis/redis-host-state.js';
import { systemClock } from '../../src/time/clock.js';

const [mode = 'shared', redisUrl = '', bucketUrl = '', delayArg = '50', durationArg = '8000'] = process.argv.slice(2);
const host = new URL(bucketUrl).host;
const local = new AdaptiveRateLimiter({ clock: systemClock });
local.configureHost(host, { documentedDelayMs: Number(delayArg) });

const connection =
  mode === 'shared'
    ? await RedisConnection.open({ location: { kind: 'redis', url: redisUrl, safeUrl: redisUrl, prefix: 'bench:' } })
    : undefined;
const writes = new PendingWrites();
const client = new AsyncAPIClient({
  clock: systemClock,
  maxConnections: 2,
  limiter: connection
    ? new SharedPacer({ port: new RedisPacing(connection), local, clock: systemClock, fleetClock: connection.clock, maxWaitMs: 120_000 })
    : local,
  ...(connection
    ? {
        breakerFor: (name: string) =>
          new SharedBreaker({
            host: name,
            port: new RedisBreakers(connection),
            rules: SHARED_BREAKER_RULES,
            clock: connection.clock,
            writes,
            local: (snapshot) => new CircuitBreaker({ initialState: snapshot }),
          }),
      }
    : {}),
});
const stopAt = Date.now() + Number(durationArg);
let sent = 0;
let failed = 0;
const worker = async (): Promise<void> => {
  while (Date.now() < stopAt) {
    sent++;
    await client.fetchJson(`${bucketUrl}/items/${sent}`).catch(() => {
      failed++;
    });
  }
};
await Promise.all([worker(), worker()]);
await client.close();
await connection?.close();
process.stdout.write(JSON.stringify({ sent, failed }));

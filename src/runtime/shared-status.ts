/**
 * What `screen status` and `screen cache` read from a shared Redis store, imported only when one is
 * selected. Each opens the connection (1 s at most), reads or clears, and closes it; undefined when
 * Redis cannot be reached (the caller has been told why, and uses the file store).
 */
import { BREAKER_RECOVERY_MS } from '../resilience/breaker-defaults.js';
import { DAILY_BUDGETS } from '../sources/documented-rates.js';
import { SOURCE_NAMES } from '../sources/source-names.js';
import type { CacheListing } from '../store/cache-types.js';
import { fileHistory } from '../store/file/file-ports.js';
import { RedisHistory } from '../store/redis/redis-budgets.js';
import { RedisEntries } from '../store/redis/redis-entries.js';
import type { RedisConnection } from '../store/redis/redis-connection.js';
import { readSharedState, type SharedStateSnapshot } from '../store/redis/redis-snapshot.js';
import { ResponseCache } from '../store/response-cache.js';
import { StateStore } from '../store/file/state-store.js';
import type { RedisLocation } from '../store/store-location.js';
import type { Clock } from '../time/clock.js';
import { openRedis } from './redis-door.js';

interface SharedRead {
  location: RedisLocation;
  cacheDir: string;
  /** Where the file store's state is (the fallback history). @default the cache dir */
  stateDir?: string;
  clock: Clock;
  /** Why Redis could not be reached, for the caller to say. */
  onUnreachable(reason: string): void;
}

/** The shared state and cache listing `screen status` reports for `hosts`. */
export async function readSharedStatus(
  options: SharedRead & { hosts: readonly string[] },
): Promise<(SharedStateSnapshot & { listings: CacheListing[] }) | undefined> {
  return withConnection(options, async (connection) => {
    const history = new RedisHistory(
      connection,
      fileHistory(await StateStore.load(options.stateDir ?? options.cacheDir, { clock: options.clock })),
    );
    const [state, listings] = await Promise.all([
      readSharedState(connection, {
        hosts: options.hosts,
        history,
        sources: SOURCE_NAMES,
        budgetNames: Object.keys(DAILY_BUDGETS),
        recoveryMs: BREAKER_RECOVERY_MS,
      }),
      sharedCache(connection).list(),
    ]);
    return { ...state, listings };
  });
}

/** `screen cache ls|clear` on the shared store: the listing, or how many entries were removed. */
export async function sharedCacheAction(
  options: SharedRead & { action: 'ls' | 'clear'; source: string | undefined },
): Promise<{ listings: CacheListing[] } | { removed: number } | undefined> {
  return withConnection(options, async (connection) => {
    const cache = sharedCache(connection);
    return options.action === 'clear' ? { removed: await cache.clear(options.source) } : { listings: await cache.list() };
  });
}

/** The shared entries alone: what `status` and `cache` report is Redis's, never the file store's. */
function sharedCache(connection: RedisConnection): ResponseCache {
  return new ResponseCache({ backend: new RedisEntries(connection), clock: connection.clock });
}

async function withConnection<T>(options: SharedRead, read: (connection: RedisConnection) => Promise<T>): Promise<T | undefined> {
  let connection: RedisConnection;
  try {
    connection = await openRedis(options.location, options.clock);
  } catch (error) {
    options.onUnreachable(error instanceof Error ? error.message : String(error));
    return undefined;
  }
  try {
    return await read(connection);
  } catch (error) {
    options.onUnreachable(error instanceof Error ? error.message : String(error));
    return undefined;
  } finally {
    await connection.close();
  }
}

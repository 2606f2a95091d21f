/**
 * What `screen eval` reads, from the run's store: the journal (file store: the state dir; Redis:
 * its keys, with the file store behind) and the candle history (the cache dir's `history/`, or
 * Redis). Redis modules load only when Redis is asked for.
 */
import { FileCandleStore } from '../../store/file/file-candle-store.js';
import { FileJournal } from '../../store/file/file-journal.js';
import type { CandleStore } from '../../store/history/candle-store.js';
import type { JournalPort } from '../../store/journal-port.js';
import type { StoreLocation } from '../../store/store-location.js';
import type { Clock } from '../../time/clock.js';

export interface EvalStore {
  journal: JournalPort;
  candles: CandleStore;
  store: 'file' | 'redis';
  close(): Promise<void>;
}

/** Opens the store; an unreachable Redis is said through `warn` once and the file store serves. */
export async function openEvalStore(options: {
  store: StoreLocation;
  stateDir: string;
  cacheDir: string;
  clock: Clock;
  warn(message: string): void;
}): Promise<EvalStore> {
  const file = { journal: new FileJournal(options.stateDir), candles: new FileCandleStore(options.cacheDir, { clock: options.clock }) };
  if (options.store.kind === 'file') return { ...file, store: 'file', close: async () => undefined };
  const { openRedis } = await import('../../runtime/redis-door.js');
  try {
    const connection = await openRedis(options.store, options.clock);
    const { RedisJournal } = await import('../../store/redis/redis-journal.js');
    const { RedisCandleStore } = await import('../../store/redis/redis-candle-store.js');
    return {
      journal: new RedisJournal(connection, file.journal),
      candles: new RedisCandleStore(connection, file.candles),
      store: 'redis',
      close: () => connection.close(),
    };
  } catch (error) {
    options.warn(`${error instanceof Error ? error.message : String(error)}; using the file store in ${options.stateDir}`);
    return { ...file, store: 'file', close: async () => undefined };
  }
}

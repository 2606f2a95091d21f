/**
 * The journal port of a run's store: the file store's (in the state dir), or, under `--store
 * redis://…`, Redis with the file store behind it. Redis modules load only when Redis is asked for.
 */
import { FileJournal } from '../../store/file/file-journal.js';
import type { JournalPort } from '../../store/journal-port.js';
import type { StoreLocation } from '../../store/store-location.js';
import type { Clock } from '../../time/clock.js';

export interface OpenedJournal {
  journal: JournalPort;
  store: 'file' | 'redis';
  close(): Promise<void>;
}

/** Opens the journal of `store`; an unreachable Redis is said through `warn` once and the file store serves. */
export async function openJournal(options: {
  store: StoreLocation;
  stateDir: string;
  clock: Clock;
  warn(message: string): void;
}): Promise<OpenedJournal> {
  const file = new FileJournal(options.stateDir);
  if (options.store.kind === 'file') return { journal: file, store: 'file', close: async () => undefined };
  const { RedisConnection } = await import('../../store/redis/redis-connection.js');
  const { RedisJournal } = await import('../../store/redis/redis-journal.js');
  try {
    const connection = await RedisConnection.open({ location: options.store, clock: options.clock });
    return { journal: new RedisJournal(connection, file), store: 'redis', close: () => connection.close() };
  } catch (error) {
    options.warn(`${error instanceof Error ? error.message : String(error)}; using the file store in ${options.stateDir}`);
    return { journal: file, store: 'file', close: async () => undefined };
  }
}

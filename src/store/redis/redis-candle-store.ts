/**
 * Candle history in Redis (`<prefix>history:<hash>` entries, `RedisEntries`), with the file store
 * behind it for when Redis stops answering. For readers outside a run (`screen eval`); a run gets
 * the same store from its runtime (`Runtime.history`).
 */
import type { FileCandleStore } from '../file/file-candle-store.js';
import { FallbackEntries } from '../fallback-entries.js';
import { EntryCandleStore, HISTORY_ENTRIES } from '../history/entry-candle-store.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisEntries } from './redis-entries.js';

export class RedisCandleStore extends EntryCandleStore {
  constructor(connection: RedisConnection, fallback: FileCandleStore) {
    super(
      new FallbackEntries(new RedisEntries(connection, { kind: HISTORY_ENTRIES }), fallback.files, () => connection.up),
      connection.location.safeUrl,
    );
  }
}

/**
 * Run memory in Redis: one JSON document per key (`<prefix>memory:<sha256(key)>`, so no key a
 * command chooses reaches the key space), expiring with the TTL it was saved with. Without Redis
 * it answers from `fallback` (the file store's memory), or remembers nothing.
 */
import { createHash } from 'node:crypto';
import { redactSecrets } from '../../redact.js';
import type { RunMemory } from '../run-memory.js';
import type { RedisConnection } from './redis-connection.js';
import { orFallback } from './redis-budgets.js';

/** Largest document kept, in bytes (the state file's cap: real memory is a few KiB). */
const MEMORY_MAX_BYTES = 4 * 1024 * 1024;

export class RedisRunMemory implements RunMemory {
  readonly #connection: RedisConnection;
  readonly #fallback: RunMemory | undefined;
  readonly #secrets: readonly string[];

  constructor(connection: RedisConnection, fallback: RunMemory | undefined, secrets: readonly string[] = []) {
    this.#connection = connection;
    this.#fallback = fallback;
    this.#secrets = secrets;
  }

  load(key: string): Promise<unknown> {
    return orFallback(
      this.#connection,
      async () => {
        const reply = await this.#connection.command(['GET', this.#key(key)]);
        if (!Buffer.isBuffer(reply) || reply.length > MEMORY_MAX_BYTES) return undefined;
        try {
          return JSON.parse(reply.toString('utf8')) as unknown;
        } catch {
          return undefined;
        }
      },
      async () => this.#fallback?.load(key),
    );
  }

  save(key: string, value: unknown, ttlMs: number): Promise<void> {
    const text = redactSecrets(JSON.stringify(value) ?? 'null', this.#secrets);
    if (Buffer.byteLength(text) > MEMORY_MAX_BYTES) return Promise.resolve();
    const keepMs = Math.max(1, Math.ceil(ttlMs));
    return orFallback(
      this.#connection,
      async () => {
        await this.#connection.command(['SET', this.#key(key), text, 'PX', keepMs]);
      },
      async () => this.#fallback?.save(key, value, ttlMs),
    );
  }

  #key(key: string): string {
    return this.#connection.key(`memory:${createHash('sha256').update(key).digest('hex')}`);
  }
}

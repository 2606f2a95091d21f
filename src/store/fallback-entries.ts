/**
 * "Redis down → file" as one decorator over two entry backends: every operation goes to the
 * primary (the shared store) while it is up, and to the fallback (the file store) when it is not
 * or when it stops answering during the operation. Any other error is the caller's.
 */
import { isStoreUnavailable } from '../errors.js';
import type { CacheEntry, EncodedEntry, EntryHeader } from './cache-entry.js';
import type { CacheListing } from './cache-types.js';
import type { EntryBackend, EntryLock, WriteOnceBackend } from './entry-backend.js';

export class FallbackEntries implements WriteOnceBackend {
  readonly #primary: EntryBackend;
  readonly #fallback: EntryBackend;
  readonly #primaryUp: () => boolean;

  /** @param primaryUp false once the primary is known to be down: its operations are not even tried. */
  constructor(primary: EntryBackend, fallback: EntryBackend, primaryUp: () => boolean) {
    this.#primary = primary;
    this.#fallback = fallback;
    this.#primaryUp = primaryUp;
  }

  read<T>(key: string): Promise<CacheEntry<T> | undefined> {
    return this.#either((backend) => backend.read<T>(key));
  }

  write(encoded: EncodedEntry<unknown>, keepMs: number): Promise<void> {
    return this.#either((backend) => backend.write(encoded, keepMs));
  }

  readHeader(key: string): Promise<EntryHeader | undefined> {
    return this.#either((backend) => backend.readHeader(key));
  }

  /** @throws TypeError when a backend cannot write once (a caller's bug) */
  writeOnce(encoded: EncodedEntry<unknown>, keepMs: number): Promise<boolean> {
    return this.#either((backend) => writeOnceOf(backend).writeOnce(encoded, keepMs));
  }

  /** @throws TypeError when a backend cannot write once (a caller's bug) */
  exists(key: string): Promise<boolean> {
    return this.#either((backend) => writeOnceOf(backend).exists(key));
  }

  /** @throws TypeError when a backend cannot list names (a caller's bug) */
  names(folder: string, fromRank?: number): Promise<string[]> {
    return this.#either((backend) => writeOnceOf(backend).names(folder, fromRank));
  }

  remove(key: string): Promise<boolean> {
    return this.#either((backend) => backend.remove(key));
  }

  lock(key: string): Promise<EntryLock | undefined> {
    return this.#either((backend) => backend.lock(key));
  }

  list(): Promise<CacheListing[]> {
    return this.#either((backend) => backend.list());
  }

  clear(source?: string): Promise<number> {
    return this.#either((backend) => backend.clear(source));
  }

  async #either<R>(operation: (backend: EntryBackend) => Promise<R>): Promise<R> {
    if (!this.#primaryUp()) return operation(this.#fallback);
    try {
      return await operation(this.#primary);
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      return operation(this.#fallback);
    }
  }
}

function writeOnceOf(backend: EntryBackend): WriteOnceBackend {
  if (!('writeOnce' in backend)) throw new TypeError('this entry backend cannot write once');
  return backend as WriteOnceBackend;
}

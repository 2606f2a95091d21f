/**
 * `RunMemory` in files: one small JSON file per key in `<state dir>/memory/`, named by a hash of
 * the key (keys may hold any text; file names must not), written atomically. Each file holds the
 * key it was saved under and when it expires, so a hash collision or a file copied from elsewhere
 * reads as "nothing saved", and so does an expired, oversized, corrupt or non-regular file: a
 * damaged memory costs one "first run", never a failed one.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as v from 'valibot';
import { QahtError } from '../../errors.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { describeFsError, ensurePrivateDir, writeFileAtomic } from './atomic-write.js';
import { sweepLeftovers } from './leftover-sweep.js';
import { readRegularFile } from './regular-file.js';
import type { RunMemory } from '../run-memory.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';

/** The folder, inside the state dir, that holds the documents. */
export const RUN_MEMORY_DIR_NAME = 'memory';
/** Largest document read or written, in bytes: a run's shown rows are a few KiB. */
export const RUN_MEMORY_MAX_BYTES = 1024 * 1024;
/** The layout version of a memory file; a file of another one reads as nothing saved. */
const FORMAT_VERSION = 1;

const Envelope = v.object({
  format: v.literal(FORMAT_VERSION),
  key: v.string(),
  savedAt: v.pipe(v.number(), v.finite()),
  expiresAt: v.pipe(v.number(), v.finite()),
  value: v.unknown(),
});

export interface FileRunMemoryOptions {
  /** @default systemClock */
  clock?: Clock;
  /** @default Node's file system */
  fs?: StoreFs;
}

/** Run memory in `<stateDir>/memory/` (see the file header). */
export class FileRunMemory implements RunMemory {
  /** Folder of the memory files. */
  readonly dir: string;
  readonly #clock: Clock;
  readonly #fs: StoreFs;
  #swept = false;

  /** Does no I/O: the folder is made on the first save. */
  constructor(stateDir: string, options: FileRunMemoryOptions = {}) {
    this.dir = join(stateDir, RUN_MEMORY_DIR_NAME);
    this.#clock = options.clock ?? systemClock;
    this.#fs = options.fs ?? nodeStoreFs;
  }

  /** Never throws: anything unusable is undefined. */
  async load(key: string): Promise<unknown> {
    const read = await readRegularFile(this.#pathOf(key), { maxBytes: RUN_MEMORY_MAX_BYTES, within: this.dir, fs: this.#fs });
    if (!read.ok) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      return undefined;
    }
    const envelope = v.safeParse(Envelope, parsed);
    if (!envelope.success || envelope.output.key !== key) return undefined;
    if (envelope.output.expiresAt <= this.#clock.now()) return undefined;
    return envelope.output.value;
  }

  /**
   * @throws QahtError QAHT_ERR_CACHE_DIR when the folder cannot be made or written (one line
   *   naming the file), QAHT_ERR_USAGE for a value that is no JSON or is over the size cap.
   */
  async save(key: string, value: unknown, ttlMs: number): Promise<void> {
    const now = this.#clock.now();
    const text = JSON.stringify({ format: FORMAT_VERSION, key, savedAt: now, expiresAt: now + Math.max(0, ttlMs), value });
    if (text === undefined) throw new QahtError('QAHT_ERR_USAGE', `run memory ${key}: the value is not JSON`);
    if (Buffer.byteLength(text) > RUN_MEMORY_MAX_BYTES) {
      throw new QahtError('QAHT_ERR_USAGE', `run memory ${key}: the value is over ${RUN_MEMORY_MAX_BYTES} bytes`);
    }
    const path = this.#pathOf(key);
    await ensurePrivateDir(this.dir, this.#fs);
    if (!this.#swept) {
      this.#swept = true;
      // Temp files of a writer killed mid-save; the cache's own sweep does not look in here.
      await sweepLeftovers({
        ownedDir: this.dir,
        sharedDir: this.dir,
        ownedPrefixes: [],
        clock: this.#clock,
        lockStaleMs: 0,
        fs: this.#fs,
      });
    }
    try {
      await writeFileAtomic(path, text, { fs: this.#fs });
    } catch (error) {
      throw new QahtError('QAHT_ERR_CACHE_DIR', `${path}: ${describeFsError(error)}`, { cause: error });
    }
  }

  #pathOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }
}

/**
 * The file entry backend: one JSON file per entry in `<dir>/<kind>/` (`<dir>/http/` for cached
 * responses), named by the 64-bit FNV-1a hash of the secret-free key (cache-key.ts), with a lock
 * file beside it while a process fills it.
 *
 * Robustness: only regular files inside the kind's folder are read, up to `entryMaxBytes` (a FIFO,
 * a device or a link out of the folder is a miss and is removed, so nothing there can hang or
 * flood a run). A corrupt, truncated, foreign-schema or checksum-mismatched file is a miss and is
 * removed. A failed write (disk full) throws, and says so once through `onWarning`; after a failure
 * that every later write would repeat (full, read-only) writing stops for the run.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { QahtError } from '../../errors.js';
import type { Clock } from '../../time/clock.js';
import { decodeEntry, decodeHeader, ENTRY_MAX_BYTES, type CacheEntry, type EncodedEntry, type EntryHeader } from '../cache-entry.js';
import { hashKey } from '../cache-key.js';
import type { CacheListing, CacheMonitor } from '../cache-types.js';
import { type EntryKind, type EntryLock, type NamedEntries, namedKey, RESPONSE_ENTRIES, type WriteOnceBackend } from '../entry-backend.js';
import { describeFsError, ensurePrivateDir, writeFileAtomic } from './atomic-write.js';
import { acquireFileLock } from './file-lock.js';
import { makeDirs } from './make-dirs.js';
import { folderNames, linkOnce, tidyFolder } from './named-files.js';
import { readRegularFile, readRegularFilePrefix, readRegularFileSync, type RegularFileRead } from './regular-file.js';
import { fsErrorCode, nodeStoreFs, type StoreFs } from './store-fs.js';

export interface EntryFilesOptions {
  /** The cache directory; entries live in `<dir>/<kind.fileDir>/`. */
  dir: string;
  /** @default RESPONSE_ENTRIES (`<dir>/http/`) */
  kind?: EntryKind;
  clock: Clock;
  /** Receives `cache.corrupt` for every unusable file removed. */
  monitor?: CacheMonitor;
  /** A fill lock older than this (without heartbeat) is taken over. @default 30_000 ms */
  lockStaleMs?: number;
  /** How long a fill waits for another process's fill of the same key. @default 60_000 ms */
  lockWaitMs?: number;
  /**
   * Receives one-line, secret-free warnings, each at most once: writing stopped (disk full,
   * read-only), an entry blocked by a directory, an entry over the size cap.
   */
  onWarning?: (message: string) => void;
  /** Largest entry file read or written, in bytes. @default ENTRY_MAX_BYTES (32 MiB) */
  entryMaxBytes?: number;
  /** @default Node's file system */
  fs?: StoreFs;
  /**
   * Reads entries with synchronous calls, symbolic links refused: for kinds whose small files a run
   * reads by the hundred (candle series), where the four thread-pool round trips of an async read
   * cost more CPU than the read itself. Ignored when `fs` is given. @default false
   */
  syncReads?: boolean;
  /**
   * false: entries are written atomically but not fsynced (`writeFileAtomic`'s `durable`), for
   * kinds written by the hundred that a machine crash may cost a refetch of, never a wrong value
   * (the entry checksum turns a file the crash left short or empty into a miss). @default true
   */
  durableWrites?: boolean;
}

const ENTRY_SUFFIX = '.json';
const LOCK_SUFFIX = '.lock';
/** Enough of an entry file to hold its header (a long key needs more, and is then read whole). */
const HEADER_PREFIX_BYTES = 16 * 1024;
/** What `readHeader` reads first: a series header with its note and summary fits (about 600 bytes; a longer one is read whole). */
const NOTE_PREFIX_BYTES = 1024;
/**
 * Synchronous header reads after which the kind's folder is listed once: a run reading hundreds
 * of headers (candle series) then opens each listed file without an lstat first, and a run
 * reading a few never lists a large folder.
 */
const LIST_AFTER_HEADERS = 16;
/** Write failures after which writing is pointless for the rest of the run. */
const CACHING_STOPPERS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

/** Entries as files in one folder of the cache dir; see the file header. */
export class EntryFiles implements WriteOnceBackend {
  /** The cache directory. */
  readonly dir: string;
  /** The kind's folder inside it. */
  readonly entriesDir: string;
  readonly #named: NamedEntries | undefined;
  readonly #clock: Clock;
  readonly #monitor: CacheMonitor | undefined;
  readonly #lockStaleMs: number;
  readonly #lockWaitMs: number;
  readonly #onWarning: ((message: string) => void) | undefined;
  readonly #entryMaxBytes: number;
  readonly #fs: StoreFs;
  readonly #syncReads: boolean;
  readonly #durableWrites: boolean;
  readonly #warned = new Set<string>();
  #dirReady: Promise<void> | undefined;
  #headerReads = 0;
  /** The folder's file names when first listed (see LIST_AFTER_HEADERS); a file made since is asked for as before. */
  #listed: ReadonlySet<string> | undefined;
  /** Set after a failure that every later write would repeat (disk full, read-only). */
  #writesStopped = false;

  /** Does no I/O; the folders are made on first write (`ensureDir`). */
  constructor(options: EntryFilesOptions) {
    this.dir = options.dir;
    this.entriesDir = join(options.dir, (options.kind ?? RESPONSE_ENTRIES).fileDir);
    this.#named = options.kind?.named;
    this.#clock = options.clock;
    this.#monitor = options.monitor;
    this.#lockStaleMs = options.lockStaleMs ?? 30_000;
    this.#lockWaitMs = options.lockWaitMs ?? 60_000;
    this.#onWarning = options.onWarning;
    this.#entryMaxBytes = options.entryMaxBytes ?? ENTRY_MAX_BYTES;
    this.#fs = options.fs ?? nodeStoreFs;
    this.#syncReads = options.syncReads === true && options.fs === undefined;
    this.#durableWrites = options.durableWrites ?? true;
  }

  /** A lock older than this without a heartbeat is abandoned (the leftover sweep removes it), ms. */
  get lockStaleMs(): number {
    return this.#lockStaleMs;
  }

  /** Path of the file that holds `key` (a secret-free key). */
  fileFor(key: string): string {
    if (this.#named) {
      const { folder, name } = namedKey(key);
      return join(this.entriesDir, folder, `${name}${this.#named.suffix}`);
    }
    return join(this.entriesDir, `${hashKey(key)}${ENTRY_SUFFIX}`);
  }

  /**
   * Makes the cache dir and the kind's folder (mode 0700), once.
   * @throws QahtError `QAHT_ERR_CACHE_DIR` when either cannot be made or written.
   */
  ensureDir(): Promise<void> {
    this.#dirReady ??= ensurePrivateDir(this.dir, this.#fs).then(() => ensurePrivateDir(this.entriesDir, this.#fs));
    return this.#dirReady;
  }

  async read<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const file = this.fileFor(key);
    const read = this.#syncReads ? readRegularFileSync(file, this.#entryMaxBytes) : await readRegularFile(file, this.#readOptions());
    if (this.#named && read.ok) {
      const entry = this.#named.decode(read.bytes, key);
      if (entry) return entry as CacheEntry<T>;
    }
    const decoded = read.ok && !this.#named ? decodeEntry<T>(read.bytes, key) : undefined;
    if (decoded?.ok) return decoded.entry;
    await this.#discard(file, read);
    return undefined;
  }

  async readHeader(key: string): Promise<EntryHeader | undefined> {
    this.#headersKept('readHeader');
    const file = this.fileFor(key);
    const listed = this.#syncReads && this.#isListed(file);
    const prefix = (bytes: number): Promise<RegularFileRead> | RegularFileRead =>
      this.#syncReads
        ? readRegularFileSync(file, this.#entryMaxBytes, bytes, listed)
        : readRegularFilePrefix(file, bytes, this.#readOptions());
    let read = await prefix(NOTE_PREFIX_BYTES);
    let decoded = read.ok ? decodeHeader(read.bytes, read.size) : undefined;
    // A header longer than the prefix (a long key or note): read the whole file once.
    if (read.ok && decoded?.ok === false && decoded.reason === 'truncated' && read.size > read.bytes.length) {
      read = await prefix(Number.POSITIVE_INFINITY);
      decoded = read.ok ? decodeHeader(read.bytes, read.size) : undefined;
    }
    if (decoded?.ok && decoded.header.key === key) return decoded.header;
    await this.#discard(file, read);
    return undefined;
  }

  /** True when `file` (in the kind's folder itself) was there when the folder was listed. */
  #isListed(file: string): boolean {
    if (this.#named || ++this.#headerReads < LIST_AFTER_HEADERS) return false;
    if (!this.#listed) {
      try {
        this.#listed = new Set(readdirSync(this.entriesDir));
      } catch {
        this.#listed = new Set();
      }
    }
    return this.#listed.has(basename(file));
  }

  /** Writes atomically (mode 0600). @throws the write error (QahtError `QAHT_ERR_CACHE_DIR` for an entry over the size cap) */
  async write(encoded: EncodedEntry<unknown>, _keepMs: number): Promise<void> {
    const { entry, bytes } = encoded;
    if (this.#writesStopped) throw new QahtError('QAHT_ERR_CACHE_DIR', `caching stopped in ${this.dir}`);
    const file = this.fileFor(entry.key);
    if (bytes.length > this.#entryMaxBytes) {
      const sizes = `${formatSize(bytes.length)}, over the ${formatSize(this.#entryMaxBytes)} entry cap`;
      this.#warnOnce(`too-large:${entry.key}`, `${entry.source} data is not cached: its entry would be ${sizes}`);
      throw new QahtError('QAHT_ERR_CACHE_DIR', `cache entry for ${entry.key} is ${sizes}`);
    }
    try {
      await this.#folderFor(file);
      await writeFileAtomic(file, bytes, { fs: this.#fs, durable: this.#durableWrites });
    } catch (error) {
      await this.#explainWriteFailure(error, file, entry.source);
      throw error;
    }
  }

  /** Links the entry into place (named-files.ts); a named kind's folder is then tidied. */
  async writeOnce(encoded: EncodedEntry<unknown>, _keepMs: number): Promise<boolean> {
    const file = this.fileFor(encoded.entry.key);
    await this.#folderFor(file);
    const wrote = await linkOnce(file, encoded.bytes, this.#fs);
    if (this.#named) await tidyFolder(dirname(file), this.#named, this.#named.rank(namedKey(encoded.entry.key).name), this.#fs);
    return wrote;
  }

  exists(key: string): Promise<boolean> {
    return this.#fs.lstat(this.fileFor(key)).then(
      () => true,
      () => false,
    );
  }

  async names(folder: string, fromRank?: number): Promise<string[]> {
    if (!this.#named) throw new TypeError(`${this.entriesDir} holds no named entries`);
    return folderNames(join(this.entriesDir, namedKey(`${folder}/x`).folder), this.#named, this.#fs, fromRank);
  }

  remove(key: string): Promise<boolean> {
    return this.#unlink(this.fileFor(key));
  }

  async lock(key: string): Promise<EntryLock | undefined> {
    // With writes stopped there is nothing to guard, and the lock file could not be made anyway.
    if (this.#writesStopped) return undefined;
    await this.ensureDir();
    const lock = await acquireFileLock(join(this.entriesDir, `${hashKey(key)}${LOCK_SUFFIX}`), {
      clock: this.#clock,
      staleMs: this.#lockStaleMs,
      waitMs: this.#lockWaitMs,
      fs: this.#fs,
    });
    return { release: () => lock.release().catch(() => undefined) };
  }

  /** Only each file's header is read (its value length must fit the file; the checksum is checked when the entry is used). */
  async list(): Promise<CacheListing[]> {
    this.#headersKept('list');
    const listings: CacheListing[] = [];
    for (const file of await this.#entryFiles()) {
      const header = await this.#readHeader(file);
      if (header) listings.push({ ...header, file });
    }
    return listings;
  }

  /** Unusable files are removed too, but only counted when clearing everything. */
  async clear(source?: string): Promise<number> {
    this.#headersKept('clear');
    let removed = 0;
    for (const file of await this.#entryFiles()) {
      if (source !== undefined && (await this.#readHeader(file))?.source !== source) continue;
      if (await this.#unlink(file)) removed++;
    }
    return removed;
  }

  /** Says once why caching stopped (or why one entry cannot be stored), and stops writing where every write would fail. */
  async #explainWriteFailure(error: unknown, file: string, source: string): Promise<void> {
    const code = fsErrorCode(error) ?? fsErrorCode((error as { cause?: unknown } | undefined)?.cause);
    if (code !== undefined && CACHING_STOPPERS.has(code)) {
      this.#writesStopped = true;
      const reason = describeFsError({ code });
      this.#warnOnce('stopped', `caching stopped: ${reason} in ${this.dir}; what this run fetches is not saved for the next run`);
      return;
    }
    const blocked = await this.#fs.lstat(file).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (blocked) this.#warnOnce(`blocked:${file}`, `${source} data is not cached: ${file} is a directory where its cache entry belongs`);
    else this.#warnOnce('failed', `caching failed for ${source}: ${describeFsError(error)}`);
  }

  /** `list`, `clear` and `readHeader` read cache-entry headers, which a named kind's entries do not have (a damaged-looking one would be removed). */
  #headersKept(operation: string): void {
    if (this.#named) throw new TypeError(`${operation} of ${this.entriesDir}: a named kind is listed with names()`);
  }

  /** Makes the folders `file` goes in: the kind's, and a named entry's own. */
  async #folderFor(file: string): Promise<void> {
    await this.ensureDir();
    if (this.#named) await makeDirs(dirname(file), 0o700, this.#fs);
  }

  #warnOnce(topic: string, message: string): void {
    if (this.#warned.has(topic)) return;
    this.#warned.add(topic);
    this.#onWarning?.(message);
  }

  /** The header facts `list` and `clear` need, or undefined for an unusable file (which is removed). */
  async #readHeader(file: string): Promise<Omit<CacheListing, 'file'> | undefined> {
    let read = await readRegularFilePrefix(file, HEADER_PREFIX_BYTES, this.#readOptions());
    let decoded = read.ok ? decodeHeader(read.bytes, read.size) : undefined;
    // A header longer than the prefix (a very long key): read the whole file once.
    if (read.ok && decoded?.ok === false && decoded.reason === 'truncated' && read.size > read.bytes.length) {
      read = await readRegularFile(file, this.#readOptions());
      decoded = read.ok ? decodeHeader(read.bytes, read.size) : undefined;
    }
    if (read.ok && decoded?.ok) {
      const { key, source, fetchedAt, ttlMs } = decoded.header;
      return { key, source, fetchedAt, ttlMs, sizeBytes: read.size };
    }
    await this.#discard(file, read);
    return undefined;
  }

  #readOptions(): { maxBytes: number; within: string; fs: StoreFs } {
    return { maxBytes: this.#entryMaxBytes, within: this.entriesDir, fs: this.#fs };
  }

  /**
   * Removes an unusable entry file: one that was read and did not decode (if it is still the file
   * that was read: a writer may have renamed a good entry into place since), a FIFO, device or
   * link, or a file over the cap. A directory is left (it cannot be an entry, and the warning on
   * the next write names it); a missing file needs nothing.
   */
  async #discard(file: string, read: RegularFileRead): Promise<void> {
    if (!read.ok && (read.reason === 'missing' || read.reason === 'unreadable')) return;
    const info = await this.#fs.lstat(file).catch(() => undefined);
    if (!info || info.isDirectory()) return;
    this.#monitor?.increment('cache.corrupt', 1);
    const same = read.ok ? info.ino === read.ino : !info.isFile() || info.size > this.#entryMaxBytes;
    if (same) await this.#fs.unlink(file).catch(() => undefined);
  }

  async #entryFiles(): Promise<string[]> {
    const names = await this.#fs.readdir(this.entriesDir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith(ENTRY_SUFFIX)).map((name) => join(this.entriesDir, name));
  }

  #unlink(file: string): Promise<boolean> {
    return this.#fs.unlink(file).then(
      () => true,
      () => false,
    );
  }
}

/** 4096 → "4.0 KiB", 33554432 → "32 MiB". */
function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/**
 * A cross-process exclusive lock: one file next to the data it guards.
 *
 * Acquire: the holder record `{ pid, host, token, acquiredAt, heartbeatAt }` is written to a temp
 * file and hard-linked to the lock path; link(2) fails with EEXIST when the lock exists, so
 * creation is atomic and a reader never sees a half-written record. (File systems without hard
 * links fall back to O_CREAT|O_EXCL.) While held, a heartbeat refreshes `heartbeatAt` every
 * staleMs/3, so a slow but live holder is never taken over.
 *
 * A lock is stale, and may be taken over, when its heartbeat is older than `staleMs`, or at once
 * when its holder is on this host and that process is gone (or is an earlier process that had
 * our pid, as pid 1 in a container). So a run killed with SIGKILL blocks the next run on the same
 * host not at all, and on another host sharing the folder for at most `staleMs`.
 * Take-over goes through a short-lived `<lock>.break` guard so two waiters that both judged the
 * lock stale cannot delete each other's fresh lock.
 *
 * Why hand-written and not proper-lockfile (the package is not a dependency):
 * the holder's pid tells a SIGKILLed holder from a slow one at once, where proper-lockfile waits out
 * its mtime staleness on every key a killed run held; and staleness runs on the injected Clock, so
 * tests drive take-over with a ManualClock instead of sleeping (proper-lockfile reads `Date.now()`).
 */
import { unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { QahtError } from '../../errors.js';
import { uniqueHex } from '../unique-hex.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { writeFileAtomic } from './atomic-write.js';
import { isProcessAlive } from './process-alive.js';
import { readRegularFile, readRegularFileSync } from './regular-file.js';
import { fsErrorCode, nodeStoreFs, type StoreFs } from './store-fs.js';
import { tempPathFor } from './temp-names.js';

export interface FileLockOptions {
  /** A lock whose heartbeat is older than this is taken over. @default 30_000 ms */
  staleMs?: number;
  /** How long `withFileLock` waits for a held lock before failing. @default 60_000 ms */
  waitMs?: number;
  /** Drives staleness and the waits between attempts. @default systemClock */
  clock?: Clock;
  /** @default Node's file system */
  fs?: StoreFs;
}

/** A held lock. `release` is idempotent. */
export interface FileLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Suffix of the guard file used while taking over a stale lock. */
export const BREAK_SUFFIX = '.break';
/** A lock record is a few hundred bytes; anything larger is not one (and is judged by its mtime). */
export const LOCK_MAX_BYTES = 64 * 1024;

const DEFAULT_STALE_MS = 30_000;
const DEFAULT_WAIT_MS = 60_000;
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

interface HolderRecord {
  pid: number;
  host: string;
  token: string;
  acquiredAt: number;
  heartbeatAt: number;
}

/** What a lock file says about its holder: a record, or unreadable content (judged by mtime). */
type Holder = { kind: 'record'; record: HolderRecord } | { kind: 'unreadable'; mtimeMs: number };

/**
 * Tokens of the locks this process holds, shared by every copy of this module in the realm, so a
 * lock file carrying our pid but a token we do not hold is known to come from a dead process.
 */
const HELD_TOKENS_KEY = Symbol.for('qaht.fileLock.heldTokens');
const realm = globalThis as Record<symbol, unknown>;
realm[HELD_TOKENS_KEY] ??= new Set<string>();
const heldTokens = realm[HELD_TOKENS_KEY] as Set<string>;

/** Path of each lock this process holds, by token (see `releaseHeldLocksSync`). */
const heldPaths = new Map<string, string>();
/**
 * Files this process is creating on the way to a lock: record temps before they are linked, and
 * `.break` guards while it takes over a stale lock (path → token).
 */
const filesInFlight = new Map<string, string>();
/**
 * Tokens of records this process is about to hold (a lock being created, a guard in use): a
 * record of ours with such a token is live even before it is registered as held.
 */
const pendingTokens = new Set<string>();

/**
 * Removes, synchronously, every lock file this process still holds and every half-made one (a
 * record temp, a take-over guard). For a process about to exit on a signal while work under a lock
 * is unfinished: the next run then finds the lock free at once instead of having to judge it stale,
 * and no `*.lock.*.tmp` is left behind. A file that changed hands is left alone.
 */
export function releaseHeldLocksSync(): void {
  for (const [token, path] of heldPaths) {
    removeIfOursSync(path, token);
    heldTokens.delete(token);
  }
  heldPaths.clear();
  for (const [path, token] of filesInFlight) {
    if (path.endsWith(BREAK_SUFFIX)) removeIfOursSync(path, token);
    else unlinkQuietlySync(path);
  }
  filesInFlight.clear();
}

function removeIfOursSync(path: string, token: string): void {
  const read = readRegularFileSync(path, LOCK_MAX_BYTES);
  if (read.ok && parseRecord(read.bytes.toString('utf8'))?.token === token) unlinkQuietlySync(path);
}

function unlinkQuietlySync(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not created yet, or already gone.
  }
}

/** Takes the lock if it is free (or stale); resolves `undefined` at once when it is held. */
export async function tryFileLock(lockPath: string, options: FileLockOptions = {}): Promise<FileLock | undefined> {
  const clock = options.clock ?? systemClock;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const fs = options.fs ?? nodeStoreFs;
  const record = newRecord(clock);
  pendingTokens.add(record.token);
  try {
    // Two rounds: the second follows a take-over of a stale lock or a lock that vanished meanwhile.
    for (let round = 0; round < 2; round++) {
      if (await createExclusive(lockPath, record, fs)) return holdLock(lockPath, record, clock, staleMs, fs);
      const holder = await readHolder(lockPath, fs);
      if (holder === undefined) continue;
      if (!isStale(holder, clock.now(), staleMs)) return undefined;
      await breakStaleLock(lockPath, holder, clock, staleMs, fs);
    }
    return undefined;
  } finally {
    pendingTokens.delete(record.token);
  }
}

/**
 * Removes the lock (or take-over guard) at `lockPath` when its holder is gone (a process of this
 * host that died, or a heartbeat older than `staleMs`), as a waiter would; a live holder's lock is
 * left alone. Resolves true when the file no longer exists. For the start-up sweep of locks left
 * by killed runs.
 */
export async function removeAbandonedLock(lockPath: string, options: Omit<FileLockOptions, 'waitMs'> = {}): Promise<boolean> {
  const clock = options.clock ?? systemClock;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const fs = options.fs ?? nodeStoreFs;
  const holder = await readHolder(lockPath, fs);
  if (holder === undefined) return true;
  if (!isStale(holder, clock.now(), staleMs)) return false;
  // A guard is only ever removed, never taken over (as `breakStaleLock` does with a stale one).
  if (lockPath.endsWith(BREAK_SUFFIX)) await fs.unlink(lockPath).catch(() => undefined);
  else await breakStaleLock(lockPath, holder, clock, staleMs, fs);
  return (await readHolder(lockPath, fs)) === undefined;
}

/**
 * Waits for the lock (polling with growing pauses up to 100 ms) for at most `waitMs`.
 * @throws QahtError `QAHT_ERR_LOCK_TIMEOUT` when it is still held after `waitMs`.
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<FileLock> {
  const clock = options.clock ?? systemClock;
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const startedAt = clock.now();
  let pauseMs = FIRST_POLL_MS;
  for (;;) {
    const lock = await tryFileLock(lockPath, options);
    if (lock) return lock;
    const remainingMs = waitMs - (clock.now() - startedAt);
    if (remainingMs <= 0) {
      throw new QahtError('QAHT_ERR_LOCK_TIMEOUT', `timed out after ${waitMs} ms waiting for lock ${lockPath}`);
    }
    // Jitter keeps a crowd of waiters from polling in lockstep.
    await clock.sleep(Math.min(remainingMs, pauseMs * (0.5 + Math.random() / 2)));
    pauseMs = Math.min(MAX_POLL_MS, pauseMs * 2);
  }
}

/** Runs `fn` while holding the lock, releasing it however `fn` ends. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T> | T, options: FileLockOptions = {}): Promise<T> {
  const lock = await acquireFileLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

function newRecord(clock: Clock): HolderRecord {
  const now = clock.now();
  return { pid: process.pid, host: hostname(), token: uniqueHex(), acquiredAt: now, heartbeatAt: now };
}

/** Creates `path` holding `record` only if it does not exist; false when it does. */
async function createExclusive(path: string, record: HolderRecord, fs: StoreFs): Promise<boolean> {
  const content = JSON.stringify(record);
  const tempPath = tempPathFor(path, record.token);
  filesInFlight.set(tempPath, record.token);
  try {
    await fs.writeFile(tempPath, content, { mode: 0o600, flag: 'wx' });
    try {
      await fs.link(tempPath, path);
      return true;
    } catch (error) {
      if (fsErrorCode(error) === 'EEXIST') return false;
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(fsErrorCode(error) ?? '')) throw error;
      return await createExclusiveWithoutLinks(path, content, fs);
    }
  } finally {
    await fs.unlink(tempPath).catch(() => undefined);
    filesInFlight.delete(tempPath);
  }
}

/** O_EXCL fallback: briefly exposes an empty file, which readers judge by its mtime. */
async function createExclusiveWithoutLinks(path: string, content: string, fs: StoreFs): Promise<boolean> {
  try {
    const handle = await fs.open(path, 'wx', 0o600);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (fsErrorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/**
 * What the lock file says. Only a small regular file is read: a FIFO, a device, a link or a huge
 * file at the lock's path is "unreadable" and judged by its own mtime, so it can never hang a run.
 */
async function readHolder(path: string, fs: StoreFs): Promise<Holder | undefined> {
  const read = await readRegularFile(path, { maxBytes: LOCK_MAX_BYTES, fs });
  if (!read.ok && read.reason === 'missing') return undefined;
  if (!read.ok && read.reason === 'unreadable') throw read.error;
  const record = read.ok ? parseRecord(read.bytes.toString('utf8')) : undefined;
  if (record) return { kind: 'record', record };
  try {
    return { kind: 'unreadable', mtimeMs: (await fs.lstat(path)).mtimeMs };
  } catch (error) {
    if (fsErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function parseRecord(text: string): HolderRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<HolderRecord> | null;
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.token === 'string' &&
      typeof value.acquiredAt === 'number' &&
      typeof value.heartbeatAt === 'number'
    ) {
      return value as HolderRecord;
    }
  } catch {
    // Falls through: unreadable content.
  }
  return undefined;
}

function isStale(holder: Holder, nowMs: number, staleMs: number): boolean {
  // File mtimes are real time, so unreadable content is judged against the real clock.
  if (holder.kind === 'unreadable') return Date.now() - holder.mtimeMs > staleMs;
  const { record } = holder;
  if (nowMs - record.heartbeatAt > staleMs) return true;
  if (record.host !== hostname()) return false;
  if (record.pid === process.pid) return !heldTokens.has(record.token) && !pendingTokens.has(record.token);
  return !isProcessAlive(record.pid);
}

function sameHolder(a: Holder | undefined, b: Holder): boolean {
  if (a === undefined) return false;
  if (a.kind === 'record' && b.kind === 'record') return a.record.token === b.record.token;
  if (a.kind === 'unreadable' && b.kind === 'unreadable') return a.mtimeMs === b.mtimeMs;
  return false;
}

/**
 * Removes the lock judged stale, unless it changed hands since it was judged. The guard makes
 * "check it is still the stale holder, then unlink" atomic among breakers. A guard left by a
 * breaker killed inside that tiny window is itself removed once its holder is stale.
 */
async function breakStaleLock(lockPath: string, judged: Holder, clock: Clock, staleMs: number, fs: StoreFs): Promise<void> {
  const guardPath = `${lockPath}${BREAK_SUFFIX}`;
  const guardRecord = newRecord(clock);
  // Registered before it exists, so an exit on a signal in between still removes it.
  filesInFlight.set(guardPath, guardRecord.token);
  pendingTokens.add(guardRecord.token);
  try {
    if (!(await createExclusive(guardPath, guardRecord, fs))) {
      const guard = await readHolder(guardPath, fs);
      if (guard !== undefined && isStale(guard, clock.now(), staleMs)) await fs.unlink(guardPath).catch(() => undefined);
      return;
    }
    try {
      if (sameHolder(await readHolder(lockPath, fs), judged)) await fs.unlink(lockPath).catch(() => undefined);
    } finally {
      await fs.unlink(guardPath).catch(() => undefined);
    }
  } finally {
    filesInFlight.delete(guardPath);
    pendingTokens.delete(guardRecord.token);
  }
}

function holdLock(path: string, record: HolderRecord, clock: Clock, staleMs: number, fs: StoreFs): FileLock {
  heldTokens.add(record.token);
  heldPaths.set(record.token, path);
  // Kept so release can wait for it: a beat landing after the unlink would resurrect the lock.
  let beat: Promise<void> | undefined;
  const heartbeat = setInterval(
    () => {
      beat ??= refreshHeartbeat(path, record, clock, fs).finally(() => {
        beat = undefined;
      });
    },
    Math.max(50, Math.floor(staleMs / 3)),
  );
  // Only the work under the lock should keep the process alive, never its heartbeat.
  heartbeat.unref();
  let released: Promise<void> | undefined;
  return {
    path,
    release(): Promise<void> {
      released ??= (async () => {
        clearInterval(heartbeat);
        await beat;
        try {
          const holder = await readHolder(path, fs);
          if (holder?.kind === 'record' && holder.record.token === record.token) await fs.unlink(path).catch(() => undefined);
        } finally {
          heldTokens.delete(record.token);
          heldPaths.delete(record.token);
        }
      })();
      return released;
    },
  };
}

async function refreshHeartbeat(path: string, record: HolderRecord, clock: Clock, fs: StoreFs): Promise<void> {
  try {
    const holder = await readHolder(path, fs);
    if (holder?.kind !== 'record' || holder.record.token !== record.token) return;
    await writeFileAtomic(path, JSON.stringify({ ...record, heartbeatAt: clock.now() }), { fs });
  } catch {
    // A missed beat only matters after staleMs; the next beat retries.
  }
}

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
 * Why hand-written and not proper-lockfile (decided in issue 12; the package is not a dependency):
 * the holder's pid tells a SIGKILLed holder from a slow one at once, where proper-lockfile waits out
 * its mtime staleness on every key a killed run held; and staleness runs on the injected Clock, so
 * tests drive take-over with a ManualClock instead of sleeping (proper-lockfile reads `Date.now()`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { QahtError } from '../errors.js';
import { systemClock, type Clock } from '../time/clock.js';
import { TEMP_SUFFIX, writeFileAtomic } from './atomic-write.js';

export interface FileLockOptions {
  /** A lock whose heartbeat is older than this is taken over. @default 30_000 ms */
  staleMs?: number;
  /** How long `withFileLock` waits for a held lock before failing. @default 60_000 ms */
  waitMs?: number;
  /** Drives staleness and the waits between attempts. @default systemClock */
  clock?: Clock;
}

/** A held lock. `release` is idempotent. */
export interface FileLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Suffix of the guard file used while taking over a stale lock. */
export const BREAK_SUFFIX = '.break';

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
 * Removes, synchronously, every lock file this process still holds. For a process about to exit
 * on a signal while work under a lock is unfinished: the next run then finds the lock free at once
 * instead of having to judge it stale. A lock file that changed hands is left alone.
 */
export function releaseHeldLocksSync(): void {
  for (const [token, path] of heldPaths) {
    try {
      if (parseRecord(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
    } catch {
      // Already gone.
    }
    heldTokens.delete(token);
  }
  heldPaths.clear();
}

/** Takes the lock if it is free (or stale); resolves `undefined` at once when it is held. */
export async function tryFileLock(lockPath: string, options: FileLockOptions = {}): Promise<FileLock | undefined> {
  const clock = options.clock ?? systemClock;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const record = newRecord(clock);
  // Two rounds: the second follows a take-over of a stale lock or a lock that vanished meanwhile.
  for (let round = 0; round < 2; round++) {
    if (await createExclusive(lockPath, record)) return holdLock(lockPath, record, clock, staleMs);
    const holder = await readHolder(lockPath);
    if (holder === undefined) continue;
    if (!isStale(holder, clock.now(), staleMs)) return undefined;
    await breakStaleLock(lockPath, holder, clock, staleMs);
  }
  return undefined;
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
  return { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex'), acquiredAt: now, heartbeatAt: now };
}

/** Creates `path` holding `record` only if it does not exist; false when it does. */
async function createExclusive(path: string, record: HolderRecord): Promise<boolean> {
  const content = JSON.stringify(record);
  const tempPath = `${path}.${record.token}${TEMP_SUFFIX}`;
  await writeFile(tempPath, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(tempPath, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errorCode(error) ?? '')) throw error;
    return createExclusiveWithoutLinks(path, content);
  } finally {
    await unlink(tempPath).catch(() => undefined);
  }
}

/** O_EXCL fallback: briefly exposes an empty file, which readers judge by its mtime. */
async function createExclusiveWithoutLinks(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function readHolder(path: string): Promise<Holder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  const record = parseRecord(text);
  if (record) return { kind: 'record', record };
  try {
    return { kind: 'unreadable', mtimeMs: (await stat(path)).mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
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
  if (record.pid === process.pid) return !heldTokens.has(record.token);
  return !isProcessAlive(record.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errorCode(error) !== 'ESRCH';
  }
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
async function breakStaleLock(lockPath: string, judged: Holder, clock: Clock, staleMs: number): Promise<void> {
  const guardPath = `${lockPath}${BREAK_SUFFIX}`;
  if (!(await createExclusive(guardPath, newRecord(clock)))) {
    const guard = await readHolder(guardPath);
    if (guard !== undefined && isStale(guard, clock.now(), staleMs)) await unlink(guardPath).catch(() => undefined);
    return;
  }
  try {
    if (sameHolder(await readHolder(lockPath), judged)) await unlink(lockPath).catch(() => undefined);
  } finally {
    await unlink(guardPath).catch(() => undefined);
  }
}

function holdLock(path: string, record: HolderRecord, clock: Clock, staleMs: number): FileLock {
  heldTokens.add(record.token);
  heldPaths.set(record.token, path);
  // Kept so release can wait for it: a beat landing after the unlink would resurrect the lock.
  let beat: Promise<void> | undefined;
  const heartbeat = setInterval(
    () => {
      beat ??= refreshHeartbeat(path, record, clock).finally(() => {
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
          const holder = await readHolder(path);
          if (holder?.kind === 'record' && holder.record.token === record.token) await unlink(path).catch(() => undefined);
        } finally {
          heldTokens.delete(record.token);
          heldPaths.delete(record.token);
        }
      })();
      return released;
    },
  };
}

async function refreshHeartbeat(path: string, record: HolderRecord, clock: Clock): Promise<void> {
  try {
    const holder = await readHolder(path);
    if (holder?.kind !== 'record' || holder.record.token !== record.token) return;
    await writeFileAtomic(path, JSON.stringify({ ...record, heartbeatAt: clock.now() }));
  } catch {
    // A missed beat only matters after staleMs; the next beat retries.
  }
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

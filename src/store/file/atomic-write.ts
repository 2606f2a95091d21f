/**
 * Crash-safe file writes and the private cache directory.
 *
 * A write goes to a uniquely named temp file in the target's own folder, is fsynced, then renamed
 * over the target. rename(2) within one folder is atomic, so a reader (or a process killed with
 * SIGKILL halfway through) sees the old file or the new one, never a mix. The folder is fsynced
 * afterwards so the rename itself survives a power cut.
 *
 * Why hand-written and not write-file-atomic (the package is not a dependency):
 * the temp names are predictable (`*.<host>-<pid>.<random>.tmp`, see temp-names.ts), so readers skip
 * them and the next run sweeps the ones a dead writer left; and writes in flight are known to this
 * module, so an interrupted run can let them land before it exits (`settlePendingWrites`).
 */
import { constants, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { QahtError } from '../../errors.js';
import { makeDirs } from './make-dirs.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';
import { tempPathFor } from './temp-names.js';

/** This process's writes in progress, by temp file path (see `settlePendingWrites`). */
const pendingWrites = new Map<string, Promise<void>>();

export interface AtomicWriteOptions {
  /** Permission bits of the written file. @default 0o600 (owner read/write only) */
  mode?: number;
  /** @default Node's file system */
  fs?: StoreFs;
  /**
   * false: no fsync of the file or of its folder. The write stays atomic for readers and for a
   * killed process (the rename comes after the last byte is handed to the kernel), but a crash of
   * the machine before the kernel flushed it may leave the target missing, empty or part-written.
   * Only for data that is verified when read (a checksummed entry) and can be fetched again.
   * @default true
   */
  durable?: boolean;
}

/**
 * Replaces `path` with `data` atomically: temp file in the same folder, fsync (unless not `durable`), rename.
 * On failure the temp file is removed and the previous content of `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const tempPath = tempPathFor(path);
  const write = writeThroughTemp(path, tempPath, data, mode, options.fs ?? nodeStoreFs, options.durable ?? true);
  pendingWrites.set(tempPath, write);
  try {
    await write;
  } finally {
    pendingWrites.delete(tempPath);
  }
}

async function writeThroughTemp(
  path: string,
  tempPath: string,
  data: string | Uint8Array,
  mode: number,
  fs: StoreFs,
  durable: boolean,
): Promise<void> {
  let renamed = false;
  try {
    const handle = await fs.open(tempPath, 'wx', mode);
    try {
      await handle.writeFile(data);
      // The umask may have narrowed (or a pre-set ACL widened) the creation mode: pin it exactly.
      await handle.chmod(mode);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tempPath, path);
    renamed = true;
    if (durable) await syncDirectory(dirname(path), fs);
  } finally {
    if (!renamed) await fs.unlink(tempPath).catch(() => undefined);
  }
}

/**
 * For a process about to exit on a signal: waits up to `timeoutMs` (real time) for the writes in
 * flight, including any started meanwhile, to finish, so none leaves its temp file behind; then
 * removes the temp files of those still unfinished (their targets keep their previous content).
 * Never rejects.
 */
export async function settlePendingWrites(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pendingWrites.size > 0 && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([Promise.allSettled([...pendingWrites.values()]), timeUp]);
    clearTimeout(timer);
  }
  for (const tempPath of pendingWrites.keys()) {
    try {
      unlinkSync(tempPath);
    } catch {
      // Not created yet, or already renamed or removed.
    }
  }
}

/** Best effort: some platforms and file systems refuse to open or fsync a directory. */
async function syncDirectory(dir: string, fs: StoreFs): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the rename is a bonus; atomicity does not depend on it.
  }
}

/**
 * Creates `dir` (and missing parents, by the bounded walk of make-dirs.ts) with mode 0700 and
 * checks it is writable. access(2) reports a read-only mount (EROFS) and an immutable directory
 * (EPERM) even to root, so no probe file is written on every run's start-up.
 * A directory that already existed keeps its permissions (it may be a user's own folder).
 * @throws QahtError `QAHT_ERR_CACHE_DIR`: "cache directory <dir> is not writable: <reason>"
 */
export async function ensurePrivateDir(dir: string, fs: StoreFs = nodeStoreFs): Promise<void> {
  try {
    if (await makeDirs(dir, 0o700, fs)) await fs.chmod(dir, 0o700);
    await fs.access(dir, constants.W_OK);
  } catch (error) {
    throw new QahtError('QAHT_ERR_CACHE_DIR', `cache directory ${dir} is not writable: ${describeFsError(error)}`, { cause: error });
  }
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a path component is not a directory',
  EEXIST: 'a file with that name exists and is not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'path too long',
  ELOOP: 'too many symbolic links',
  EISDIR: 'a directory is in the way',
  EFBIG: 'file too large',
};

/** A short, path-free reason for a file-system error, for one-line user messages. */
export function describeFsError(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return FS_REASONS[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}

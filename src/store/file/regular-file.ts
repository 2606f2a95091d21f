/**
 * Reading files that anyone could have replaced: a cache entry, `state.json`, a lock. Only a
 * regular file is read, and only up to a size cap, so nothing in the cache dir can hang a run
 * (a FIFO blocks a plain open until a writer appears), stream forever (a link to `/dev/zero`), or
 * fill memory (a huge file). The open uses O_NOFOLLOW and O_NONBLOCK, then fstat decides on the
 * opened file itself, so nothing can be swapped in between the check and the read.
 * A symbolic link is followed only when its target lies inside the folder the caller names.
 */
import { constants, closeSync, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import { fsErrorCode, nodeStoreFs, type StoreFs } from './store-fs.js';

/** Why a file was not read. */
export type UnreadableReason = 'missing' | 'not-regular' | 'outside' | 'too-large' | 'unreadable';

export type RegularFileRead =
  | { ok: true; bytes: Buffer; size: number; ino: number }
  | { ok: false; reason: UnreadableReason; error?: unknown };

export interface RegularFileOptions {
  /** Larger files are refused with `too-large`, in bytes. */
  maxBytes: number;
  /** A symbolic link is followed only when its real target lies inside this folder; without it, links are refused. */
  within?: string | undefined;
  /** @default Node's file system */
  fs?: StoreFs | undefined;
}

// O_NOFOLLOW and O_NONBLOCK are POSIX; where they are missing (Windows) the fstat check remains.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
/** First read size when the file reports no size (as some virtual files do). */
const FIRST_CHUNK_BYTES = 64 * 1024;

/** Reads the whole of a regular file of at most `maxBytes`. Never throws. */
export async function readRegularFile(path: string, options: RegularFileOptions): Promise<RegularFileRead> {
  return withRegularFile(path, options, (handle, size) => readUpTo(handle, size, options.maxBytes));
}

/**
 * Reads the first `prefixBytes` of a regular file of at most `maxBytes` (`bytes` may be shorter
 * than the file; `size` is the whole file's). Never throws.
 */
export async function readRegularFilePrefix(path: string, prefixBytes: number, options: RegularFileOptions): Promise<RegularFileRead> {
  return withRegularFile(path, options, (handle, size) => readPrefix(handle, size > 0 ? Math.min(size, prefixBytes) : prefixBytes));
}

/**
 * The synchronous form, for a process about to exit on a signal, or a reader of hundreds of small
 * files; symbolic links are refused. With `prefixBytes`, only the file's first bytes are read
 * (`size` is the whole file's). `listed`: the caller saw the file in its folder's listing, so the
 * open is tried without asking first (a file gone since is still `missing`). Never throws.
 */
export function readRegularFileSync(
  path: string,
  maxBytes: number,
  prefixBytes = Number.POSITIVE_INFINITY,
  listed = false,
): RegularFileRead {
  // A missing file is common (a coin's series not stored yet) and a failed open costs an error
  // object with its stack, many times an lstat that says "none" without one.
  if (!listed && isMissing(path)) return { ok: false, reason: 'missing' };
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return refusal(error);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { ok: false, reason: 'not-regular' };
    if (info.size > maxBytes) return { ok: false, reason: 'too-large' };
    const whole = prefixBytes > info.size;
    // One byte more than the reported size shows a file that grew meanwhile.
    const buffer = whole ? Buffer.alloc(info.size + 1) : Buffer.allocUnsafe(prefixBytes);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (whole && length > info.size) return { ok: false, reason: 'too-large' };
    return { ok: true, bytes: buffer.subarray(0, length), size: info.size, ino: info.ino };
  } catch (error) {
    return { ok: false, reason: 'unreadable', error };
  } finally {
    closeSync(fd);
  }
}

/** True when nothing is at `path` (the open then says why anything else fails). */
function isMissing(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

async function withRegularFile(
  path: string,
  options: RegularFileOptions,
  read: (handle: FileHandle, size: number) => Promise<Buffer | undefined>,
): Promise<RegularFileRead> {
  const fs = options.fs ?? nodeStoreFs;
  let handle: FileHandle;
  try {
    handle = await openNoFollow(path, options.within, fs);
  } catch (error) {
    return refusal(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, reason: 'not-regular' };
    if (info.size > options.maxBytes) return { ok: false, reason: 'too-large' };
    const bytes = await read(handle, info.size);
    if (!bytes) return { ok: false, reason: 'too-large' };
    return { ok: true, bytes, size: info.size, ino: info.ino };
  } catch (error) {
    return { ok: false, reason: 'unreadable', error };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Opens without following a link at the last component; a link inside `within` is resolved and opened the same way. */
async function openNoFollow(path: string, within: string | undefined, fs: StoreFs): Promise<FileHandle> {
  try {
    return await fs.open(path, OPEN_FLAGS);
  } catch (error) {
    // Linux and macOS say ELOOP for a link opened with O_NOFOLLOW; FreeBSD says EMLINK.
    const code = fsErrorCode(error);
    if ((code !== 'ELOOP' && code !== 'EMLINK') || within === undefined) throw error;
    const [target, folder] = await Promise.all([fs.realpath(path), fs.realpath(within)]);
    if (!isInside(target, folder)) throw Object.assign(new Error(`${path} links outside ${within}`), { code: 'QAHT_OUTSIDE' });
    return fs.open(target, OPEN_FLAGS);
  }
}

/** True when `path` lies strictly inside `folder` (both real paths). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Up to `limit` bytes; undefined when the file holds more (it grew past its reported size, or
 * reports none). `size` is only where the first read starts.
 */
async function readUpTo(handle: FileHandle, size: number, limit: number): Promise<Buffer | undefined> {
  let buffer = Buffer.allocUnsafe(Math.min(limit, size > 0 ? size : FIRST_CHUNK_BYTES) + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > limit) return undefined;
    if (length === buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
  }
  return buffer.subarray(0, length);
}

/** Up to `length` bytes from the start (fewer at the end of the file). */
async function readPrefix(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function refusal(error: unknown): RegularFileRead {
  switch (fsErrorCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { ok: false, reason: 'missing' };
    case 'ELOOP':
    case 'EMLINK':
      return { ok: false, reason: 'not-regular' };
    case 'QAHT_OUTSIDE':
      return { ok: false, reason: 'outside' };
    default:
      return { ok: false, reason: 'unreadable', error };
  }
}

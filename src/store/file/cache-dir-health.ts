/**
 * What stops a cache dir from keeping data, found without writing anything (for `screen status`):
 * a read-only or unwritable folder, a full disk, a directory sitting where an entry file belongs,
 * a `state.json` that is not a regular file. Each finding is one sentence for a warning line.
 */
import { constants } from 'node:fs';
import { join } from 'node:path';
import { describeFsError } from './atomic-write.js';
import { ENTRIES_SUBDIR } from './disk-cache.js';
import { isInside } from './regular-file.js';
import { STATE_FILE_NAME } from './state-store.js';
import { fsErrorCode, nodeStoreFs, type StoreFs } from './store-fs.js';

/** Below this much free space (bytes) the disk counts as full: one real entry needs about as much. */
export const LOW_SPACE_BYTES = 1024 * 1024;

/** Findings listed per kind; a broken dir could otherwise print one per entry. */
const MAX_BLOCKED_LISTED = 5;

/** Sentences naming what keeps `dir` from caching; empty when nothing does (or nothing is there yet). */
export async function inspectCacheDir(dir: string, options: { fs?: StoreFs } = {}): Promise<string[]> {
  const fs = options.fs ?? nodeStoreFs;
  const info = await fs.stat(dir).catch((error: unknown) => error);
  if (info instanceof Error) return fsErrorCode(info) === 'ENOENT' ? [] : [`cache dir ${dir} cannot be read: ${describeFsError(info)}`];
  if (!(info as { isDirectory(): boolean }).isDirectory()) return [`cache dir ${dir} is not a directory: nothing is cached`];

  const problems: string[] = [];
  const writable = await fs.access(dir, constants.W_OK).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (writable !== undefined) problems.push(`caching is off: ${dir} is not writable (${describeFsError(writable)})`);
  else {
    const space = await fs.statfs(dir).catch(() => undefined);
    const freeBytes = space ? Number(space.bavail) * Number(space.bsize) : Number.POSITIVE_INFINITY;
    if (freeBytes < LOW_SPACE_BYTES)
      problems.push(`caching is off: the disk holding ${dir} is full (${Math.floor(freeBytes / 1024)} KiB free)`);
  }

  const entriesDir = join(dir, ENTRIES_SUBDIR);
  const entries = await fs.readdir(entriesDir, { withFileTypes: true }).catch(() => []);
  const blocked = entries
    .filter((entry) => entry.name.endsWith('.json') && entry.isDirectory())
    .map((entry) => join(entriesDir, entry.name));
  for (const path of blocked.slice(0, MAX_BLOCKED_LISTED))
    problems.push(`${path} is a directory where a cache entry belongs: that entry is never stored`);
  if (blocked.length > MAX_BLOCKED_LISTED)
    problems.push(`${blocked.length - MAX_BLOCKED_LISTED} more directories block cache entries in ${entriesDir}`);

  const stateFile = join(dir, STATE_FILE_NAME);
  const state = await fs.lstat(stateFile).catch(() => undefined);
  if (state?.isSymbolicLink()) {
    const [target, folder] = await Promise.all([fs.realpath(stateFile).catch(() => ''), fs.realpath(dir).catch(() => dir)]);
    if (!isInside(target, folder)) problems.push(`${stateFile} links outside the cache dir: it is not read`);
  } else if (state && !state.isFile()) problems.push(`${stateFile} is not a regular file: breaker and limiter state is not kept`);
  return problems;
}

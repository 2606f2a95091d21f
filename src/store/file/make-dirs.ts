/**
 * Folder creation by a bounded walk of our own. Node 20's `mkdir(…, { recursive: true })` loops
 * forever where the kernel answers ENOENT for a folder whose parent exists (inside `/proc`, e.g.
 * `/proc/qaht-nope` or `/proc/self/x`): it retries the parent, finds it there, and tries again.
 * Here each missing folder is created once, top down, and any refusal is an error.
 */
import { dirname, resolve } from 'node:path';
import { fsErrorCode, nodeStoreFs, type StoreFs } from './store-fs.js';

/** Most missing folders created by one call; far more than any real path needs, and what bounds the walk. */
export const MAX_MISSING_DIRS = 64;

/**
 * Creates `dir` and its missing parents with `mode` (narrowed by the umask, as mkdir(2) does).
 * Resolves true when it created anything. A path component that is not a directory throws
 * ENOTDIR; a parent that refuses new folders throws what mkdir(2) said (ENOENT in `/proc`,
 * EACCES, EROFS); more than `MAX_MISSING_DIRS` missing folders throws ENAMETOOLONG.
 */
export async function makeDirs(dir: string, mode: number, fs: StoreFs = nodeStoreFs): Promise<boolean> {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (await isDirectory(current, fs)) break;
    const parent = dirname(current);
    if (parent === current) throw fsError('ENOENT', `the root ${current} does not exist`);
    if (missing.length >= MAX_MISSING_DIRS) throw fsError('ENAMETOOLONG', `more than ${MAX_MISSING_DIRS} folders to create`);
    missing.push(current);
  }
  for (const path of missing.reverse()) {
    try {
      await fs.mkdir(path, { mode });
    } catch (error) {
      // Another process may have created it meanwhile; anything else there is in the way.
      if (fsErrorCode(error) !== 'EEXIST') throw error;
      if (!(await isDirectory(path, fs))) throw fsError('ENOTDIR', `${path} exists and is not a directory`);
    }
  }
  return missing.length > 0;
}

/** True for an existing directory (or a link to one), false when nothing is there; throws otherwise. */
async function isDirectory(path: string, fs: StoreFs): Promise<boolean> {
  try {
    const info = await fs.stat(path);
    if (!info.isDirectory()) throw fsError('ENOTDIR', `${path} is not a directory`);
    return true;
  } catch (error) {
    if (fsErrorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function fsError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

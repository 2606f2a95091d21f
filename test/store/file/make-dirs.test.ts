import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir } from '../../../src/store/file/atomic-write.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { MAX_MISSING_DIRS, makeDirs } from '../../../src/store/file/make-dirs.js';
import { nodeStoreFs, type StoreFs } from '../../../src/store/file/store-fs.js';
import { makeTempDir, removeDir } from '../store-helpers.js';

// Issue 13 item 2: Node 20's recursive mkdir loops forever on these; the walk must fail at once.
const PROC_PATHS = ['/proc/qaht-nope', '/proc/self/x', '/proc/qaht-nope/deeper/still'];
const hasProc = existsSync('/proc/self');

describe('makeDirs: folder creation by a bounded walk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('creates every missing folder, top down, and says whether it created any', async () => {
    const target = join(dir, 'a', 'b', 'c');
    expect(await makeDirs(target, 0o700)).toBe(true);
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await makeDirs(target, 0o700)).toBe(false);
  });

  it.runIf(hasProc).each(PROC_PATHS)(
    '%s fails at once instead of spinning',
    async (path) => {
      await expect(makeDirs(path, 0o700)).rejects.toMatchObject({ code: 'ENOENT' });
    },
    5_000,
  );

  it.runIf(hasProc).each(PROC_PATHS)(
    'a cache dir of %s is a one-line QAHT_ERR_CACHE_DIR',
    async (path) => {
      await expect(DiskCache.open({ dir: path })).rejects.toMatchObject({
        code: 'QAHT_ERR_CACHE_DIR',
        message: `cache directory ${path} is not writable: no such file or directory`,
      });
    },
    5_000,
  );

  it('refuses a regular file in the path, and more missing folders than it will make', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(makeDirs(join(dir, 'file', 'sub'), 0o700)).rejects.toMatchObject({ code: 'ENOTDIR' });
    const deep = join(dir, ...Array.from({ length: MAX_MISSING_DIRS + 1 }, (_, i) => `d${i}`));
    await expect(makeDirs(deep, 0o700)).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    expect(await readdir(dir)).toEqual(['file']);
  });

  it('takes a folder another process created meanwhile, but not a file it put there', async () => {
    const target = join(dir, 'raced');
    let planted: 'dir' | 'file' = 'dir';
    // mkdir(2) answering EEXIST: someone else got there between our look and our mkdir.
    const racing: StoreFs = {
      ...nodeStoreFs,
      mkdir: async (path, options) => {
        if (planted === 'dir') await nodeStoreFs.mkdir(path, options);
        else await writeFile(path as string, 'not a folder');
        throw Object.assign(new Error('EEXIST'), { code: 'EEXIST' });
      },
    };
    await expect(ensurePrivateDir(target, racing)).resolves.toBeUndefined();
    planted = 'file';
    await expect(makeDirs(join(dir, 'raced-file'), 0o700, racing)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

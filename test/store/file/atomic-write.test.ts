import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFsError, ensurePrivateDir, writeFileAtomic } from '../../../src/store/file/atomic-write.js';
import { nodeStoreFs, type StoreFs } from '../../../src/store/file/store-fs.js';
import { makeTempDir, removeDir } from '../store-helpers.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('replaces the content, with mode 0600 by default, leaving no temp file', async () => {
    const file = join(dir, 'a.json');
    await writeFile(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('applies an explicit mode exactly, whatever the umask', async () => {
    const file = join(dir, 'metrics.prom');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]), { mode: 0o644 });
    expect((await stat(file)).mode & 0o777).toBe(0o644);
  });

  it('fsyncs the file and its folder, unless told the data need not survive a machine crash', async () => {
    const syncs = { durable: 0, not: 0 };
    const counting = (key: keyof typeof syncs): StoreFs => ({
      ...nodeStoreFs,
      open: (async (...args: Parameters<StoreFs['open']>) => {
        const handle = await nodeStoreFs.open(...args);
        const sync = handle.sync.bind(handle);
        handle.sync = () => {
          syncs[key]++;
          return sync();
        };
        return handle;
      }) as StoreFs['open'],
    });
    await writeFileAtomic(join(dir, 'durable.json'), 'one', { fs: counting('durable') });
    await writeFileAtomic(join(dir, 'not.json'), 'two', { fs: counting('not'), durable: false });
    expect(syncs).toEqual({ durable: 2, not: 0 });
    expect(await readFile(join(dir, 'not.json'), 'utf8')).toBe('two');
    expect((await stat(join(dir, 'not.json'))).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['durable.json', 'not.json']);
  });

  it('on failure leaves the target as it was and removes its temp file', async () => {
    const target = join(dir, 'is-a-dir');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'keep');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('keep');
    expect(await readdir(dir)).toEqual(['is-a-dir']);
  });
});

describe('ensurePrivateDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('creates missing folders with mode 0700 and leaves no probe behind', async () => {
    const target = join(dir, 'a', 'b');
    await ensurePrivateDir(target);
    expect((await stat(target)).mode & 0o777).toBe(0o700);
    expect(await readdir(target)).toEqual([]);
  });

  it("keeps an existing folder's permissions (it may be the user's own)", async () => {
    const target = join(dir, 'mine');
    await mkdir(target);
    await chmod(target, 0o755);
    await ensurePrivateDir(target);
    expect((await stat(target)).mode & 0o777).toBe(0o755);
  });

  it('throws QAHT_ERR_CACHE_DIR naming the dir and a short reason', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const target = join(dir, 'file', 'sub');
    await expect(ensurePrivateDir(target)).rejects.toMatchObject({
      code: 'QAHT_ERR_CACHE_DIR',
      message: `cache directory ${target} is not writable: a path component is not a directory`,
    });
  });

  it('describes file-system errors without paths', () => {
    expect(describeFsError(Object.assign(new Error("EACCES: permission denied, mkdir '/x'"), { code: 'EACCES' }))).toBe(
      'permission denied',
    );
    expect(describeFsError(Object.assign(new Error('weird'), { code: 'EWEIRD' }))).toBe('EWEIRD');
  });
});

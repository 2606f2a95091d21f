import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRegularFile, readRegularFilePrefix, readRegularFileSync } from '../../../src/store/file/regular-file.js';
import { makeFifo, makeTempDir, removeDir } from '../store-helpers.js';

const MIB = 1024 * 1024;

// Issue 13 items 2 and 11: only regular files, only up to a cap; nothing may block or stream forever.
describe('readRegularFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('reads a regular file whole, with its size and inode', async () => {
    await writeFile(join(dir, 'a'), 'hello');
    const read = await readRegularFile(join(dir, 'a'), { maxBytes: MIB });
    expect(read).toMatchObject({ ok: true, size: 5 });
    expect(read.ok && read.bytes.toString()).toBe('hello');
  });

  it('says missing for a file that is not there', async () => {
    expect(await readRegularFile(join(dir, 'nope'), { maxBytes: MIB })).toEqual({ ok: false, reason: 'missing' });
    expect(readRegularFileSync(join(dir, 'nope'), MIB)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a FIFO at once, async and sync, instead of waiting for a writer', async () => {
    makeFifo(join(dir, 'pipe'));
    expect(await readRegularFile(join(dir, 'pipe'), { maxBytes: MIB })).toEqual({ ok: false, reason: 'not-regular' });
    expect(readRegularFileSync(join(dir, 'pipe'), MIB)).toEqual({ ok: false, reason: 'not-regular' });
  }, 5_000);

  it.runIf(existsSync('/dev/zero'))(
    'refuses a link to /dev/zero: outside the folder, and never a device',
    async () => {
      await symlink('/dev/zero', join(dir, 'zero'));
      expect(await readRegularFile(join(dir, 'zero'), { maxBytes: MIB, within: dir })).toEqual({ ok: false, reason: 'outside' });
      expect(await readRegularFile(join(dir, 'zero'), { maxBytes: MIB })).toEqual({ ok: false, reason: 'not-regular' });
      expect(readRegularFileSync(join(dir, 'zero'), MIB)).toEqual({ ok: false, reason: 'not-regular' });
      // Even a device reached by a link inside the folder is refused by the check on the opened file.
      await mkdir(join(dir, 'inner'));
      await symlink('/dev/zero', join(dir, 'inner', 'dev'));
      await symlink(join(dir, 'inner', 'dev'), join(dir, 'chain'));
      expect((await readRegularFile(join(dir, 'chain'), { maxBytes: MIB, within: dir })).ok).toBe(false);
    },
    5_000,
  );

  it('follows a link whose target stays inside `within`, and refuses one that leaves it', async () => {
    await mkdir(join(dir, 'inside'));
    await writeFile(join(dir, 'inside', 'real'), 'data');
    await symlink(join(dir, 'inside', 'real'), join(dir, 'inside', 'link'));
    const read = await readRegularFile(join(dir, 'inside', 'link'), { maxBytes: MIB, within: join(dir, 'inside') });
    expect(read.ok && read.bytes.toString()).toBe('data');
    await writeFile(join(dir, 'secret'), 'not yours');
    await symlink(join(dir, 'secret'), join(dir, 'inside', 'escape'));
    expect(await readRegularFile(join(dir, 'inside', 'escape'), { maxBytes: MIB, within: join(dir, 'inside') })).toEqual({
      ok: false,
      reason: 'outside',
    });
  });

  it('refuses a file over the cap without reading it', async () => {
    await writeFile(join(dir, 'big'), Buffer.alloc(2 * MIB));
    expect(await readRegularFile(join(dir, 'big'), { maxBytes: MIB })).toEqual({ ok: false, reason: 'too-large' });
    expect(readRegularFileSync(join(dir, 'big'), MIB)).toEqual({ ok: false, reason: 'too-large' });
  });

  it('reads just a prefix when asked, reporting the whole size', async () => {
    await writeFile(join(dir, 'long'), 'x'.repeat(10_000));
    const read = await readRegularFilePrefix(join(dir, 'long'), 100, { maxBytes: MIB });
    expect(read.ok && read.bytes.length).toBe(100);
    expect(read.ok && read.size).toBe(10_000);
  });
});

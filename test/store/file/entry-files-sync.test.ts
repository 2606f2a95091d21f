import { mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntry } from '../../../src/store/cache-entry.js';
import { EntryFiles } from '../../../src/store/file/entry-files.js';
import { HISTORY_ENTRIES } from '../../../src/store/history/entry-candle-store.js';
import { systemClock } from '../../../src/time/clock.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('entry files read synchronously (the candle store)', () => {
  it('read what was written, and treat damaged files and links as misses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qaht-sync-reads-'));
    dirs.push(dir);
    const files = new EntryFiles({ dir, kind: HISTORY_ENTRIES, clock: systemClock, syncReads: true });
    const entry = (key: string) => encodeEntry({ key, source: 'binance', fetchedAt: 1, ttlMs: 1, value: { n: 1 } }, { checksum: 'words' });
    await files.write(entry('a'), 1);
    expect((await files.read<{ n: number }>('a'))?.value).toEqual({ n: 1 });
    await writeFile(files.fileFor('b'), '{"schema":3,"key":"b"');
    expect(await files.read('b')).toBeUndefined();
    await symlink(files.fileFor('a'), files.fileFor('c'));
    expect(await files.read('c')).toBeUndefined();
    expect(await files.read('missing')).toBeUndefined();
    expect(await files.readHeader('missing')).toBeUndefined();
  });

  it('find nothing in a kind folder not made yet, nor where a file stands in for the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qaht-sync-reads-'));
    dirs.push(dir);
    const files = new EntryFiles({ dir, kind: HISTORY_ENTRIES, clock: systemClock, syncReads: true });
    expect(await files.read('a')).toBeUndefined();
    expect(await files.readHeader('a')).toBeUndefined();
    await writeFile(files.entriesDir, 'not a folder');
    expect(await files.read('a')).toBeUndefined();
    expect(await files.readHeader('a')).toBeUndefined();
  });

  it('read headers by the hundred the same way once the folder is listed: files made since, gone since, replaced by links, long headers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qaht-sync-reads-'));
    dirs.push(dir);
    const files = new EntryFiles({ dir, kind: HISTORY_ENTRIES, clock: systemClock, syncReads: true });
    const entry = (key: string, note: Record<string, unknown> = { n: 1 }) =>
      encodeEntry({ key, source: 'binance', fetchedAt: 1, ttlMs: 1, value: { n: 1 } }, { checksum: 'words', note });
    for (let i = 0; i < 40; i++) await files.write(entry(`s${i}`), 1);
    const long = { n: 2, text: 'x'.repeat(3000) };
    await files.write(entry('long', long), 1);
    // Enough reads for the folder to be listed, with misses among them.
    for (let i = 0; i < 40; i++) {
      expect((await files.readHeader(`s${i}`))?.note).toEqual({ n: 1 });
      expect(await files.readHeader(`none${i}`)).toBeUndefined();
    }
    expect((await files.readHeader('long'))?.note).toEqual(long);
    await files.write(entry('later'), 1);
    expect((await files.readHeader('later'))?.key).toBe('later');
    await unlink(files.fileFor('s1'));
    expect(await files.readHeader('s1')).toBeUndefined();
    await unlink(files.fileFor('s2'));
    await symlink(files.fileFor('s3'), files.fileFor('s2'));
    expect(await files.readHeader('s2')).toBeUndefined();
    expect((await files.readHeader('s3'))?.key).toBe('s3');
  });
});

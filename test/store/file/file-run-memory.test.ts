import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRunMemory, RUN_MEMORY_DIR_NAME, RUN_MEMORY_MAX_BYTES } from '../../../src/store/file/file-run-memory.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { makeFifo, makeTempDir, removeDir } from '../store-helpers.js';

const HOUR_MS = 3600_000;

let dir: string;
let clock: ManualClock;
let memory: FileRunMemory;
beforeEach(async () => {
  dir = await makeTempDir();
  clock = new ManualClock();
  memory = new FileRunMemory(dir, { clock });
});
afterEach(async () => {
  await removeDir(dir);
});

function onlyFile(): string {
  const names = readdirSync(join(dir, RUN_MEMORY_DIR_NAME));
  expect(names).toHaveLength(1);
  return join(dir, RUN_MEMORY_DIR_NAME, names[0]!);
}

describe('FileRunMemory', () => {
  it('gives back what was saved under a key, in its own folder beside the state file, with no temp file left', async () => {
    expect(await memory.load('changes:crypto:abc')).toBeUndefined();
    await memory.save('changes:crypto:abc', { rows: [{ id: 'bitcoin', position: 1 }] }, HOUR_MS);
    await memory.save('alerts:crypto:def', [1, 2, 3], HOUR_MS);
    expect(await memory.load('changes:crypto:abc')).toEqual({ rows: [{ id: 'bitcoin', position: 1 }] });
    expect(await memory.load('alerts:crypto:def')).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual([RUN_MEMORY_DIR_NAME]);
    const names = readdirSync(join(dir, RUN_MEMORY_DIR_NAME));
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{32}\.json$/);
    // A second instance (the next run) reads the same files.
    expect(await new FileRunMemory(dir, { clock }).load('alerts:crypto:def')).toEqual([1, 2, 3]);
  });

  it('keeps a document for its TTL on the clock, and not after', async () => {
    await memory.save('k', 'v', HOUR_MS);
    await clock.advance(HOUR_MS - 1);
    expect(await memory.load('k')).toBe('v');
    await clock.advance(1);
    expect(await memory.load('k')).toBeUndefined();
  });

  it('replaces a document atomically (the old one until the rename)', async () => {
    await memory.save('k', { n: 1 }, HOUR_MS);
    await memory.save('k', { n: 2 }, HOUR_MS);
    expect(await memory.load('k')).toEqual({ n: 2 });
    expect(readdirSync(join(dir, RUN_MEMORY_DIR_NAME))).toHaveLength(1);
  });

  it('reads a file saved under another key (a collision, a copied file) as nothing saved', async () => {
    await memory.save('one', 'first', HOUR_MS);
    const path = onlyFile();
    await memory.save('two', 'second', HOUR_MS);
    const other = readdirSync(join(dir, RUN_MEMORY_DIR_NAME)).find((name) => !path.endsWith(name))!;
    renameSync(path, join(dir, RUN_MEMORY_DIR_NAME, other));
    expect(await memory.load('two')).toBeUndefined();
  });

  it('reads corrupt, foreign-format, oversized and non-regular files as nothing saved, without hanging', async () => {
    await memory.save('k', 'v', HOUR_MS);
    const path = onlyFile();
    for (const bad of ['{not json', '{"format":2,"key":"k","savedAt":0,"expiresAt":9e15,"value":1}', 'null', '[]']) {
      writeFileSync(path, bad);
      expect(await memory.load('k'), bad).toBeUndefined();
    }
    writeFileSync(path, ' '.repeat(RUN_MEMORY_MAX_BYTES + 1));
    expect(await memory.load('k')).toBeUndefined();
    renameSync(path, `${path}.gone`);
    makeFifo(path);
    expect(await memory.load('k')).toBeUndefined();
  });

  it('refuses a value over the cap and writes nothing', async () => {
    await expect(memory.save('big', 'x'.repeat(RUN_MEMORY_MAX_BYTES), HOUR_MS)).rejects.toMatchObject({ code: 'QAHT_ERR_USAGE' });
    expect(await memory.load('big')).toBeUndefined();
  });

  it('turns a file-system failure (a full disk) into QAHT_ERR_CACHE_DIR naming the file, and keeps the old document', async () => {
    await memory.save('k', 'old', HOUR_MS);
    const { nodeStoreFs } = await import('../../../src/store/file/store-fs.js');
    const full = new FileRunMemory(dir, {
      clock,
      fs: { ...nodeStoreFs, open: (async () => Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }))) as never },
    });
    await expect(full.save('k', 'new', HOUR_MS)).rejects.toThrow(/memory\/[0-9a-f]{32}\.json: no space left on device/);
    expect(JSON.parse(readFileSync(onlyFile(), 'utf8')).value).toBe('old');
    expect(await memory.load('k')).toBe('old');
  });
});

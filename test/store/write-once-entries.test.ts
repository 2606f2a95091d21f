import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CacheEntry, encodeEntry, type EncodedEntry } from '../../src/store/cache-entry.js';
import { entryKind, type NamedEntries, type WriteOnceBackend } from '../../src/store/entry-backend.js';
import { FallbackEntries } from '../../src/store/fallback-entries.js';
import { EntryFiles } from '../../src/store/file/entry-files.js';
import { RedisEntries } from '../../src/store/redis/redis-entries.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { REDIS_SKIP_NOTE } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';
import { removeDir, tempCacheDir } from '../helpers/run-cli.js';

/** A named kind whose names are numbers (their rank) and whose bytes are plain text. */
const NUMBERED: NamedEntries = {
  suffix: '.txt',
  index: 'order',
  rank: (name) => (/^\d+$/.test(name) ? Number(name) : Number.NaN),
  keepRanks: 10,
  decode: (bytes, key) => ({
    schema: 3,
    key,
    source: key.split('/')[0]!,
    fetchedAt: 0,
    ttlMs: 0,
    checksum: '',
    value: bytes.toString('utf8'),
  }),
};
const NAMED = entryKind('numbered', NUMBERED);
const HASHED = entryKind('once');

function named(key: string, text: string): EncodedEntry<string> {
  const entry: CacheEntry<string> = { schema: 3, key, source: 'a', fetchedAt: 0, ttlMs: 0, checksum: '', value: text };
  return { entry, bytes: Buffer.from(text) };
}

const hashed = (value: string) => encodeEntry({ key: 'k', source: 's', value, ttlMs: 60_000, fetchedAt: 0 });

/** What every backend must do: the same assertions over files, Redis and the decorator. */
function writeOnceContract(name: string, make: (kind: typeof NAMED) => Promise<WriteOnceBackend>): void {
  describe(`${name}: write once`, () => {
    it('stores a hashed entry once: the first writer wins', async () => {
      const backend = await make(HASHED);
      expect(await backend.writeOnce(hashed('first'), 60_000)).toBe(true);
      expect(await backend.writeOnce(hashed('second'), 60_000)).toBe(false);
      expect((await backend.read('k'))?.value).toBe('first');
      expect([await backend.exists('k'), await backend.exists('other')]).toEqual([true, false]);
    });

    it('lets one of many simultaneous writers store a named entry, and lists the folder in rank order', async () => {
      const backends = await Promise.all(Array.from({ length: 5 }, () => make(NAMED)));
      const wrote = await Promise.all(backends.map((backend, i) => backend.writeOnce(named('a/12', `w${i}`), 60_000)));
      expect(wrote.filter(Boolean)).toHaveLength(1);
      await backends[0]!.writeOnce(named('a/3', 'three'), 60_000);
      await backends[0]!.writeOnce(named('b/5', 'other folder'), 60_000);
      expect(await backends[0]!.names('a')).toEqual(['3', '12']);
      expect(await backends[0]!.names('a', 4)).toEqual(['12']);
      expect((await backends[0]!.read('a/12'))?.value).toBe(`w${wrote.indexOf(true)}`);
    });

    it('drops the names past the keeping when a newer one is written', async () => {
      const backend = await make(NAMED);
      await backend.writeOnce(named('a/1', 'old'), 60_000);
      await backend.writeOnce(named('a/11', 'kept'), 60_000);
      await backend.writeOnce(named('a/12', 'new'), 60_000);
      expect(await backend.names('a')).toEqual(['11', '12']);
    });

    it('refuses a key that is not <folder>/<name>, names() of a hashed kind, and list(), clear() or readHeader() of a named one', async () => {
      await expect((await make(NAMED)).writeOnce(named('../a/1', 'x'), 60_000)).rejects.toThrow(TypeError);
      await expect((await make(HASHED)).names('a')).rejects.toThrow(TypeError);
      await expect((await make(NAMED)).list()).rejects.toThrow(TypeError);
      await expect((await make(NAMED)).clear()).rejects.toThrow(TypeError);
      await expect((await make(NAMED)).readHeader('a/1')).rejects.toThrow(TypeError);
    });
  });
}

describe('write once in the file store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempCacheDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  writeOnceContract('files', async (kind) => new EntryFiles({ dir, kind, clock: new ManualClock() }));

  it('keeps a named entry under its readable name, its bytes as given', async () => {
    await new EntryFiles({ dir, kind: NAMED, clock: new ManualClock() }).writeOnce(named('a/7', 'seven'), 0);
    expect(await readdir(join(dir, 'numbered', 'a'))).toEqual(['7.txt']);
  });
});

describe.skipIf(REDIS_SKIP_NOTE !== undefined)('write once in Redis', () => {
  const redis = redisSuite();
  const connect = () => redis.connect();

  writeOnceContract('redis', async (kind) => new RedisEntries(await connect(), { kind }));
  writeOnceContract('redis with files behind', async (kind) => {
    const connection = await connect();
    return new FallbackEntries(
      new RedisEntries(connection, { kind }),
      new EntryFiles({ dir: redis.dir, kind, clock: new ManualClock() }),
      () => connection.up,
    );
  });

  it('keeps a named entry under <kind>:<folder>:<name> with the folder sorted in <kind>:<folder>:<index>', async () => {
    await new RedisEntries(await connect(), { kind: NAMED }).writeOnce(named('a/7', 'seven'), 60_000);
    expect((await redis.server.dump()).map((entry) => entry.key).sort()).toEqual(['qaht:numbered:a:7', 'qaht:numbered:a:order']);
  });

  it('writes once in the file store while Redis is down', async () => {
    const connection = await connect();
    const files = new EntryFiles({ dir: redis.dir, kind: NAMED, clock: new ManualClock() });
    const backend = new FallbackEntries(new RedisEntries(connection, { kind: NAMED }), files, () => connection.up);
    await connection.close();
    expect(await backend.writeOnce(named('a/7', 'offline'), 60_000)).toBe(true);
    expect(await files.names('a')).toEqual(['7']);
  });
});

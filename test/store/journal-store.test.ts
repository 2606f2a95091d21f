import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileJournal } from '../../src/store/file/file-journal.js';
import { JOURNAL_KEEP_DAYS, type JournalPort, journalDateOf, journalDayOf } from '../../src/store/journal-port.js';
import { RedisConnection } from '../../src/store/redis/redis-connection.js';
import { RedisJournal } from '../../src/store/redis/redis-journal.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { FixtureProcess, makeTempDir, removeDir } from './store-helpers.js';

const DAY = '2026-12-06';

/** Every port must behave the same: these run against the file store and against Redis. */
function portContract(name: string, make: () => Promise<JournalPort>): void {
  describe(`${name}: the journal port`, () => {
    it('records a day once: the first writer wins, a second write changes nothing', async () => {
      const journal = await make();
      expect(await journal.has('crypto', DAY)).toBe(false);
      expect(await journal.appendOnce('crypto', DAY, '{"first":true}')).toBe(true);
      expect(await journal.appendOnce('crypto', DAY, '{"second":true}')).toBe(false);
      expect(await journal.has('crypto', DAY)).toBe(true);
      expect(await journal.read('crypto')).toEqual([{ date: DAY, json: '{"first":true}' }]);
    });

    it('lets exactly one of many simultaneous writers record the day', async () => {
      const journals = await Promise.all(Array.from({ length: 6 }, () => make()));
      const wrote = await Promise.all(journals.map((journal, i) => journal.appendOnce('crypto', DAY, JSON.stringify({ i }))));
      expect(wrote.filter(Boolean)).toHaveLength(1);
      const [record] = await journals[0]!.read('crypto');
      expect(JSON.parse(record!.json)).toEqual({ i: wrote.indexOf(true) });
    });

    it('reads oldest first, from a date, per screen', async () => {
      const journal = await make();
      for (const date of ['2026-12-03', '2026-12-01', '2026-12-02']) await journal.appendOnce('crypto', date, `"${date}"`);
      await journal.appendOnce('market', '2026-12-02', '"market"');
      expect((await journal.read('crypto')).map((record) => record.date)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
      expect((await journal.read('crypto', '2026-12-02')).map((record) => record.json)).toEqual(['"2026-12-02"', '"2026-12-03"']);
      expect(await journal.read('market')).toEqual([{ date: '2026-12-02', json: '"market"' }]);
    });

    it('keeps three years: a write drops the records older than that', async () => {
      const journal = await make();
      const today = journalDayOf(DAY);
      const kept = journalDateOf(today - JOURNAL_KEEP_DAYS);
      const dropped = journalDateOf(today - JOURNAL_KEEP_DAYS - 1);
      await journal.appendOnce('crypto', dropped, '"old"');
      await journal.appendOnce('crypto', kept, '"kept"');
      await journal.appendOnce('crypto', DAY, '"today"');
      expect((await journal.read('crypto')).map((record) => record.date)).toEqual([kept, DAY]);
    });

    it('keeps a summary beside the records, replaced whole', async () => {
      const journal = await make();
      expect(await journal.readSummary('crypto', 'verdicts-7d')).toBeUndefined();
      await journal.writeSummary('crypto', 'verdicts-7d', '{"rvol":"too early"}');
      await journal.writeSummary('crypto', 'verdicts-7d', '{"rvol":"helps"}');
      expect(await journal.readSummary('crypto', 'verdicts-7d')).toBe('{"rvol":"helps"}');
      expect(await journal.readSummary('market', 'verdicts-7d')).toBeUndefined();
      // A summary is not a record.
      expect(await journal.read('crypto')).toEqual([]);
      await expect(journal.writeSummary('crypto', '../x', '{}')).rejects.toThrow(TypeError);
    });

    it('refuses a screen or date that is not one (a bug, never a path)', async () => {
      const journal = await make();
      await expect(journal.appendOnce('../x', DAY, '{}')).rejects.toThrow(TypeError);
      await expect(journal.appendOnce('crypto', '2026-02-30', '{}')).rejects.toThrow(TypeError);
    });
  });
}

describe('the journal in the file store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  portContract('file', async () => new FileJournal(dir));

  it('keeps one gzipped file per day under journal/<screen>/', async () => {
    await new FileJournal(dir).appendOnce('crypto', DAY, '{"rows":[]}');
    expect(await readdir(join(dir, 'journal', 'crypto'))).toEqual([`${DAY}.json.gz`]);
    expect(gunzipSync(await readFile(join(dir, 'journal', 'crypto', `${DAY}.json.gz`))).toString()).toBe('{"rows":[]}');
  });

  it('leaves a damaged day out of the reading instead of failing', async () => {
    const journal = new FileJournal(dir);
    await journal.appendOnce('crypto', '2026-12-01', '"whole"');
    await journal.appendOnce('crypto', '2026-12-02', '"whole too"');
    await writeFile(join(dir, 'journal', 'crypto', '2026-12-02.json.gz'), 'not gzip');
    expect(await journal.read('crypto')).toEqual([{ date: '2026-12-01', json: '"whole"' }]);
  });

  describe('across processes', () => {
    const children: FixtureProcess[] = [];
    afterEach(async () => {
      for (const child of children.splice(0)) {
        child.kill();
        await child.exited;
      }
    });

    it('a run killed while writing leaves the previous record whole, no record of its day, and the next run writes it', async () => {
      const journal = new FileJournal(dir);
      await journal.appendOnce('crypto', '2026-12-05', '{"previous":true}');
      const child = new FixtureProcess('journal-child.ts', ['hang', dir, DAY]);
      children.push(child);
      await child.waitFor((message) => message.halfway === true);
      child.child.kill('SIGKILL');
      await child.exited;

      expect(await journal.read('crypto')).toEqual([{ date: '2026-12-05', json: '{"previous":true}' }]);
      expect(await journal.has('crypto', DAY)).toBe(false);
      expect(await journal.appendOnce('crypto', DAY, '{"next run":true}')).toBe(true);
      expect((await journal.read('crypto')).map((record) => record.json)).toEqual(['{"previous":true}', '{"next run":true}']);
      // The killed writer's temp file is gone too.
      expect(await readdir(join(dir, 'journal', 'crypto'))).toEqual(['2026-12-05.json.gz', `${DAY}.json.gz`]);
    });

    it('two processes recording the same day at once: one record, from one of them', async () => {
      for (const tag of ['a', 'b']) children.push(new FixtureProcess('journal-child.ts', ['append', dir, '-', DAY, tag]));
      await Promise.all(children.map((child) => child.waitFor((message) => message.ready === true)));
      for (const child of children) child.child.stdin!.write('go\n');
      const results = await Promise.all(children.map((child) => child.waitFor((message) => 'wrote' in message)));
      expect(results.map((result) => result.wrote).sort()).toEqual([false, true]);
      const records = await new FileJournal(dir).read('crypto');
      expect(records).toHaveLength(1);
      expect(JSON.parse(records[0]!.json).tag).toBe(results[0]!.wrote ? 'a' : 'b');
    });
  });
});

describe.skipIf(REDIS_SKIP_NOTE !== undefined)('the journal in Redis', () => {
  let redis: RedisServer;
  let dir: string;
  const open: RedisConnection[] = [];
  const children: FixtureProcess[] = [];

  async function connect(): Promise<RedisConnection> {
    const connection = await RedisConnection.open({
      location: { kind: 'redis', url: redis.url, safeUrl: redis.url, prefix: 'qaht:' },
      clock: new ManualClock(),
    });
    open.push(connection);
    return connection;
  }

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    await redis.flush();
    dir = await makeTempDir();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill();
      await child.exited;
    }
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    await removeDir(dir);
  });

  portContract('redis', async () => new RedisJournal(await connect(), new FileJournal(dir)));

  it('keeps the record gzipped under journal:<screen>:<date>, expiring after three years', async () => {
    await new RedisJournal(await connect(), new FileJournal(dir)).appendOnce('crypto', DAY, '{"rows":[]}');
    const ttl = Number((await redis.command('PTTL', `qaht:journal:crypto:${DAY}`)).replace(/^:/, ''));
    expect(ttl).toBeGreaterThan((JOURNAL_KEEP_DAYS - 1) * 86_400_000);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('two processes on one Redis recording the same day: one record, nothing in either file store', async () => {
    for (const tag of ['a', 'b']) children.push(new FixtureProcess('journal-child.ts', ['append', join(dir, tag), redis.url, DAY, tag]));
    await Promise.all(children.map((child) => child.waitFor((message) => message.ready === true)));
    for (const child of children) child.child.stdin!.write('go\n');
    const results = await Promise.all(children.map((child) => child.waitFor((message) => 'wrote' in message)));
    expect(results.map((result) => result.wrote).sort()).toEqual([false, true]);
    const records = await new RedisJournal(await connect(), new FileJournal(dir)).read('crypto');
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]!.json).tag).toBe(results[0]!.wrote ? 'a' : 'b');
    expect(await readdir(dir)).toEqual([]);
  });

  it('falls back to the file store while Redis is down', async () => {
    const connection = await connect();
    const journal = new RedisJournal(connection, new FileJournal(dir));
    await connection.close();
    expect(await journal.appendOnce('crypto', DAY, '"offline"')).toBe(true);
    expect(await new FileJournal(dir).read('crypto')).toEqual([{ date: DAY, json: '"offline"' }]);
  });
});

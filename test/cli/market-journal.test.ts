import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groupedDailyAnswer } from '../../src/demo/history-replies.js';
import { decodeJournalRecord } from '../../src/screens/eval/journal-codec.js';
import type { JournalRecord } from '../../src/screens/eval/journal-record.js';
import { FileJournal } from '../../src/store/file/file-journal.js';
import { driveClock } from '../helpers/drive-clock.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { parseArray, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { type CliRun, removeDir, runMain, tempCacheDir, useCliSandbox } from '../helpers/run-cli.js';
import { marketEnv, routeMarket } from './market-fixtures.js';

/**
 * The market journal (README "`screen eval`"): the first `screen market` run that sees a trading
 * day closed (Massive grouped daily has its bars, stored) records it with every scanned symbol
 * that traded that day; weekends and holidays get no record; no later run changes a record, nor
 * adds another watchlist's symbols to it; a symbol that stops trading keeps its earlier rows; one
 * record per day across processes on one Redis. `screen eval market` then reads it.
 */

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'IBM'];
/** A made-up exchange holiday: Massive answers it with no bars. */
const HOLIDAY = '2026-12-10';
/** NVDA's last session: later days have no bar of it (delisted). */
const NVDA_LAST = '2026-12-09';
const DAY_MS = 86_400_000;
/** Monday 7 Dec 2026, 10:00 UTC: Friday 4 Dec is the last closed trading day. */
const MONDAY = Date.UTC(2026, 11, 7, 10);
/** 00:30 UTC on the morning after `date`. */
const morningAfter = (date: string): number => Date.parse(`${date}T00:30:00Z`) + DAY_MS;

let api: FakeApi;
let cacheDir: string;

/** Days Massive has not published yet: it answers them with no bars. */
const unpublished = new Set<string>();

function routeMassive(server: FakeApi): void {
  unpublished.clear();
  server.route('GET', '/massive/v2/aggs/grouped/locale/us/market/stocks/*', (_req, url, ctx) => {
    const day = url.pathname.split('/').at(-1) ?? '';
    const tickers =
      day === HOLIDAY || unpublished.has(day) ? [] : SYMBOLS.filter((ticker) => ticker !== 'NVDA' || day <= NVDA_LAST).concat('KO');
    ctx.json(groupedDailyAnswer(tickers, day));
  });
}

function env(extra: Record<string, string> = {}, dir = cacheDir): NodeJS.ProcessEnv {
  return marketEnv(api, dir, { MASSIVE_API_KEY: 'massive-test-key', SCREEN_MASSIVE_URL: `${api.url}/massive`, ...extra });
}

function market(clock: ManualClock, symbols = SYMBOLS, environment = env()): Promise<CliRun> {
  return driveClock(clock, runMain(['market', ...symbols, '--sources', 'finnhub', '--json'], environment, { clock }));
}

async function records(dir = cacheDir): Promise<JournalRecord[]> {
  return (await new FileJournal(dir).read('market')).map((stored) => decodeJournalRecord(stored.json)!);
}

const symbolsOf = (record: JournalRecord | undefined): string[] => (record?.rows.map((row) => row.symbol) ?? []).sort();

/**
 * Runs until the symbols hold 30 days of bars (the listing-age gate: a record ranks only those,
 * as backfill does): 4 days a run, so the sixth run's 24 sessions reach back far enough.
 */
async function fillAndRecord(clock: ManualClock, environment = env()): Promise<void> {
  for (let run = 1; run <= 6; run++) {
    const result = await market(clock, SYMBOLS, environment);
    expect(result.code, result.stderr).toBe(0);
    await clock.advance(60_000);
  }
}

describe('screen market and the market journal', () => {
  useCliSandbox((sandbox) => {
    ({ api, cacheDir } = sandbox);
    routeMarket(api);
    routeMassive(api);
  });

  it('records each trading day once, weekdays only, past a holiday; symbols that stop trading keep their rows', async () => {
    const clock = new ManualClock(MONDAY);
    for (let run = 1; run <= 5; run++) {
      expect((await market(clock)).code).toBe(0);
      // Under 30 days of bars: no symbol is ranked yet, so there is no record.
      expect(await records()).toEqual([]);
      await clock.advance(60_000);
    }
    expect((await market(clock)).code).toBe(0);
    const [friday, ...none] = await records();
    expect(none).toEqual([]);
    expect(friday!.date).toBe('2026-12-04');
    // Every scanned symbol that traded: KO's bars were answered but it was not scanned.
    expect(symbolsOf(friday)).toEqual(['AAPL', 'IBM', 'MSFT', 'NVDA']);
    const aapl = friday!.rows.find((row) => row.symbol === 'AAPL')!;
    expect(aapl).toMatchObject({ id: 'AAPL', historyAsOf: '2026-12-04T23:59:59.999Z' });
    expect(aapl.score).not.toBeNull();
    expect(aapl.close).toBeGreaterThan(0);

    // Later that day, and with another watchlist: the record stays as the first run wrote it.
    const stored = await new FileJournal(cacheDir).read('market');
    await clock.advance(3 * 3_600_000);
    expect((await market(clock, ['AAPL', 'KO'])).code).toBe(0);
    expect(await new FileJournal(cacheDir).read('market')).toEqual(stored);

    // A run every morning through the next week: Mon 7 … Mon 14 Dec.
    for (const date of ['2026-12-07', '2026-12-08', '2026-12-09', HOLIDAY, '2026-12-11', '2026-12-12', '2026-12-13', '2026-12-14']) {
      await clock.advance(morningAfter(date) - clock.now());
      const run = await market(clock);
      expect(run.code, run.stderr).toBe(0);
    }
    const journal = await records();
    expect(journal.map((record) => record.date)).toEqual([
      '2026-12-04',
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-11',
      '2026-12-14',
    ]);
    const byDate = new Map(journal.map((record) => [record.date, record]));
    expect(symbolsOf(byDate.get(NVDA_LAST))).toEqual(['AAPL', 'IBM', 'MSFT', 'NVDA']);
    expect(symbolsOf(byDate.get('2026-12-11'))).toEqual(['AAPL', 'IBM', 'MSFT']);
    // A row's close is that session's bar, not a later quote.
    for (const record of journal) for (const row of record.rows) expect(row.historyAsOf).toBe(`${record.date}T23:59:59.999Z`);

    // screen eval market reads it: horizons count sessions (the 9th's next session is the 11th).
    const evalClock = new ManualClock(morningAfter('2026-12-14'));
    const scored = await runMain(['eval', 'market', '--horizon', '1d', '--json'], env(), { clock: evalClock });
    expect(scored.code, scored.stderr).toBe(0);
    const doc = JSON.parse(scored.stdout);
    expect(doc).toMatchObject({
      command: 'eval',
      screen: 'market',
      basis: 'journal',
      horizonDays: 1,
      horizonUnit: 'tradingDays',
      survivorshipBiased: false,
      days: 6,
      from: '2026-12-04T00:00:00.000Z',
      to: '2026-12-14T23:59:59.999Z',
    });
    // Every row of the 5 days with a next session known: 4 + 4 + 4 + 4 + 3, NVDA's last row has no next close.
    expect(doc.rows.find((row: { signal: string }) => row.signal === 'all')).toMatchObject({
      n: 18,
      dates: 5,
      missing: 1,
      verdict: 'too early',
    });
    const table = await runMain(['eval', 'market', '--horizon', '1d'], env(), { clock: evalClock });
    expect(table.stdout).toMatch(/every stock/);
    expect(table.stderr).toContain('journal: 6 days, 2026-12-04 to 2026-12-14 (file store)');
    expect(table.stderr).toContain('a horizon counts trading days (1d = 1 session)');
  }, 60_000);

  it('records nothing while the newest weekday has not been answered by Massive, nor without the key', async () => {
    const clock = new ManualClock(MONDAY);
    await fillAndRecord(clock);
    expect((await records()).map((record) => record.date)).toEqual(['2026-12-04']);
    // Tuesday, but Massive fails: whether Monday traded is unknown, and Friday is not the last closed day any more.
    api.fault('/massive/v2/aggs/grouped/locale/us/market/stocks/2026-12-07', { status: 500 }, { times: 10 });
    await clock.advance(morningAfter('2026-12-07') - clock.now());
    expect((await market(clock)).code).toBe(0);
    expect((await market(clock, SYMBOLS, env({ MASSIVE_API_KEY: '' }))).code).toBe(0);
    expect((await records()).map((record) => record.date)).toEqual(['2026-12-04']);
  }, 60_000);

  it('keeps the demo out: a --demo run never asks Massive, even with a key set, and journals nothing', async () => {
    const clock = new ManualClock(MONDAY);
    const run = await driveClock(clock, runMain(['market', '--demo', '--json'], env(), { clock }));
    expect(run.code, run.stderr).toBe(0);
    expect(api.requests.filter((request) => request.path.startsWith('/massive/'))).toEqual([]);
    expect(await records()).toEqual([]);
    expect(await records(join(cacheDir, 'demo'))).toEqual([]);
  }, 60_000);

  it('takes a just-closed day Massive answers without bars as not published yet: asked again, then recorded', async () => {
    const clock = new ManualClock(MONDAY);
    await fillAndRecord(clock);
    unpublished.add('2026-12-07');
    await clock.advance(morningAfter('2026-12-07') - clock.now());
    expect((await market(clock)).code).toBe(0);
    expect((await records()).map((record) => record.date)).toEqual(['2026-12-04']);
    // Published by the next run: Monday is asked again, traded, and recorded.
    unpublished.clear();
    await clock.advance(15 * 60_000);
    expect((await market(clock)).code).toBe(0);
    expect((await records()).map((record) => record.date)).toEqual(['2026-12-04', '2026-12-07']);
    const asked = api.requests.filter((request) => request.path.endsWith('/2026-12-07'));
    expect(asked).toHaveLength(2);
  }, 60_000);
});

describe.skipIf(REDIS_SKIP_NOTE !== undefined)('the market journal on a shared Redis store', () => {
  let redis: RedisServer;
  const dirs: string[] = [];
  useCliSandbox((sandbox) => {
    ({ api, cacheDir } = sandbox);
    routeMarket(api);
    routeMassive(api);
  });
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  beforeEach(() => redis.flush());
  afterAll(async () => {
    await Promise.all([redis.stop(), ...dirs.map(removeDir)]);
  });

  async function machine(): Promise<NodeJS.ProcessEnv> {
    const dir = await tempCacheDir();
    dirs.push(dir);
    return env({ SCREEN_STORE_URL: redis.url }, dir);
  }

  it('two runs at once on separate machines write one record of the day; a later run adds nothing; no file store is used', async () => {
    const clock = new ManualClock(MONDAY);
    await fillAndRecord(clock, await machine());
    const days = async (): Promise<string[]> => parseArray(await redis.command('ZRANGE', 'qaht:journal:market:days', '0', '-1'));
    expect(await days()).toEqual(['2026-12-04']);

    await clock.advance(morningAfter('2026-12-07') - clock.now());
    const [a, b] = [await machine(), await machine()];
    const runs = await driveClock(
      clock,
      Promise.all([a, b].map((environment) => runMain(['market', ...SYMBOLS, '--sources', 'finnhub', '--json'], environment, { clock }))),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(await days()).toEqual(['2026-12-04', '2026-12-07']);
    const record = await redis.command('GET', 'qaht:journal:market:2026-12-07');
    expect(record).not.toBeNull();

    await clock.advance(3_600_000);
    expect((await market(clock, ['AAPL'], await machine())).code).toBe(0);
    expect(await redis.command('GET', 'qaht:journal:market:2026-12-07')).toBe(record);
    expect(await days()).toEqual(['2026-12-04', '2026-12-07']);
    for (const dir of dirs) expect(existsSync(join(dir, 'journal'))).toBe(false);

    const scored = await runMain(['eval', 'market', '--horizon', '1d', '--json'], await machine(), { clock });
    expect(JSON.parse(scored.stdout)).toMatchObject({ days: 2, horizonUnit: 'tradingDays' });
  }, 90_000);
});

import { describe, expect, it } from 'vitest';
import { decodeJournalRecord, encodeJournalRecord } from '../../src/screens/eval/journal-codec.js';
import { FileJournal } from '../../src/store/file/file-journal.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { type CliRun, runMain, useCliSandbox } from '../helpers/run-cli.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { syntheticWorld, WORLD_START_DAY } from '../screens/eval/synthetic-world.js';
import { cryptoEnv, FIXTURE_COINS, routeCrypto } from './crypto-fixtures.js';

/**
 * The crypto run's journal (README "`screen eval`"): the first run that sees a day close records
 * it, with every ranked coin, shown or not; no later run changes it; rows and the document carry
 * the 7-day verdicts.
 */

const DAY_MS = 86_400_000;
/** 00:20 UTC on 2026-12-07: 2026-12-06 has just closed. */
const AFTER_MIDNIGHT = Date.UTC(2026, 11, 7, 0, 20);

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
});

function crypto(args: string[], nowMs: number): Promise<CliRun> {
  return runMain(['crypto', '--json', ...args], cryptoEnv(api, cacheDir), { clock: new ManualClock(nowMs) });
}

describe('screen crypto and the signal journal', () => {
  it('records the closed day once, with every ranked coin, shown or not; the next day gets its own record', async () => {
    const first = await crypto(['--limit', '5'], AFTER_MIDNIGHT);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(doc.results).toHaveLength(5);
    const journal = new FileJournal(cacheDir);
    const [stored, ...others] = await journal.read('crypto');
    expect(others).toEqual([]);
    expect(stored!.date).toBe('2026-12-06');
    const record = decodeJournalRecord(stored!.json)!;
    // Every coin that passed the gates: more than the five shown, fewer than the universe (stablecoins are gated).
    expect(record.rows.length).toBeGreaterThan(5);
    expect(record.rows.length).toBeLessThan(FIXTURE_COINS);
    const shown = doc.results.map((row: { id: string }) => row.id);
    expect(record.rows.map((row) => row.id)).toEqual(expect.arrayContaining(shown));
    const top = doc.results[0];
    // No candle history here: the close is the price the run saw.
    expect(record.rows.find((row) => row.id === top.id)).toMatchObject({ symbol: top.symbol, close: top.priceUsd, score: top.score });

    // Later that day, and with other flags: the record stays as the first run wrote it.
    expect((await crypto(['--limit', '3', '--sort', 'change24h'], AFTER_MIDNIGHT + 5 * 3_600_000)).code).toBe(0);
    expect(await journal.read('crypto')).toEqual([stored]);

    expect((await crypto([], AFTER_MIDNIGHT + DAY_MS)).code).toBe(0);
    expect((await journal.read('crypto')).map((entry) => entry.date)).toEqual(['2026-12-06', '2026-12-07']);
  });

  it('records nothing from a run over another universe, or from stale data', async () => {
    expect((await crypto(['--top', '20'], AFTER_MIDNIGHT)).code).toBe(0);
    expect((await crypto(['--symbols', 'BTC,ETH'], AFTER_MIDNIGHT)).code).toBe(0);
    expect(await new FileJournal(cacheDir).read('crypto')).toEqual([]);
    // A day later the cache is a day old: --offline serves it stale, and a stale universe is not that day's.
    expect((await crypto(['--offline'], AFTER_MIDNIGHT + DAY_MS)).code).toBe(0);
    expect(await new FileJournal(cacheDir).read('crypto')).toEqual([]);
  });

  it("gives the document the flags' 7-day verdicts and each row those of its own flags", async () => {
    const journal = new FileJournal(cacheDir);
    const world = syntheticWorld({ seed: 7, rvolEdge: 0.05 });
    for (const record of world) await journal.appendOnce('crypto', record.date, encodeJournalRecord(record));
    const run = await crypto([], (WORLD_START_DAY + world.length) * DAY_MS + 3_600_000);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.evidence).toMatchObject({ horizonDays: 7, basis: 'journal', asOf: world.at(-1)!.date });
    expect(doc.evidence.verdicts).toMatchObject({ rvol: 'helps', breakout: 'no evidence' });
    // The fixture coins have no candle history: no flag raised, so no verdict on any row.
    for (const row of doc.results) expect(row.verdicts).toEqual({});
  });

  it('says `too early` for every flag before the journal has anything to score', async () => {
    const doc = JSON.parse((await crypto([], AFTER_MIDNIGHT)).stdout);
    expect(doc.evidence).toEqual({
      horizonDays: 7,
      basis: 'journal',
      asOf: null,
      verdicts: {
        rvol: 'too early',
        breakout: 'too early',
        rs: 'too early',
        squeeze: 'too early',
        oversold: 'too early',
        overbought: 'too early',
      },
    });
  });
});

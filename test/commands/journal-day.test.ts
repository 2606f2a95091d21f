import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flagVerdicts, journalClosedDay, lastClosedDate } from '../../src/commands/eval/journal-day.js';
import { rowVerdicts, verdictLabel } from '../../src/screens/eval/flag-verdicts.js';
import { decodeJournalRecord, encodeJournalRecord } from '../../src/screens/eval/journal-codec.js';
import { journalRecordOf } from '../../src/screens/eval/journal-rows.js';
import { NO_SIGNAL_FIELDS_FOR_TEST } from '../screens/eval/fields.js';
import { FileJournal } from '../../src/store/file/file-journal.js';
import { makeTempDir, removeDir } from '../store/store-helpers.js';
import { syntheticWorld, WORLD_START_DAY } from '../screens/eval/synthetic-world.js';

const DAY_MS = 86_400_000;

describe('journaling the last closed day', () => {
  let dir: string;
  let access: FileJournal;
  const world = syntheticWorld({ seed: 7, rvolEdge: 0.05 });
  /** 00:20 UTC on the day after world day `index`: that day has just closed. */
  const justAfter = (index: number): number => (WORLD_START_DAY + index + 1) * DAY_MS + 20 * 60_000;

  beforeEach(async () => {
    dir = await makeTempDir();
    access = new FileJournal(dir);
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('records the day once: the first run that sees it close, never a later one', async () => {
    const now = justAfter(0);
    expect(lastClosedDate(now)).toBe(world[0]!.date);
    expect(await journalClosedDay(access, 'crypto', world[0]!, now)).toBe(true);
    const later = { ...world[0]!, rows: world[0]!.rows.slice(0, 3) };
    expect(await journalClosedDay(access, 'crypto', later, now + 3_600_000)).toBe(false);
    const [stored] = await access.read('crypto');
    expect(decodeJournalRecord(stored!.json)).toEqual(world[0]);
  });

  it('journals only the last closed day: a past day is backfill, not journal', async () => {
    await expect(journalClosedDay(access, 'crypto', world[0]!, justAfter(5))).rejects.toThrow(/only the last closed day/);
  });

  it('gives the verdicts of the journal, refreshed each time a day is recorded', async () => {
    expect((await flagVerdicts(access, 'crypto')).verdicts.rvol).toBe('too early');
    for (const record of world.slice(0, -1)) await access.appendOnce('crypto', record.date, encodeJournalRecord(record));
    // Kept from before: still too early until a run records a day.
    expect((await flagVerdicts(access, 'crypto')).verdicts.rvol).toBe('too early');
    await journalClosedDay(access, 'crypto', world.at(-1)!, justAfter(world.length - 1));
    const summary = await flagVerdicts(access, 'crypto');
    expect(summary).toMatchObject({ horizonDays: 7, asOf: world.at(-1)!.date });
    expect(summary.verdicts.rvol).toBe('helps');
    expect(summary.verdicts.breakout).toBe('no evidence');

    const fields = { ...NO_SIGNAL_FIELDS_FOR_TEST, rvol: 3.1, breakout: '20d' as const, rsi14: 50 };
    const verdicts = rowVerdicts(fields, summary);
    expect(verdicts).toEqual({ rvol: 'helps', breakout: 'no evidence' });
    expect(verdictLabel('rvol', 'helps')).toBe('rvol ✓ helps');
    expect(verdictLabel('breakout', 'too early')).toBe('breakout too early');
  });
});

describe('the journal record of a run', () => {
  it("takes the day's candle close when the candles reach the day, else the price the run saw", () => {
    const record = journalRecordOf('2026-12-06', [
      {
        id: 'bitcoin',
        symbol: 'BTC',
        score: 71.5,
        fields: { ...NO_SIGNAL_FIELDS_FOR_TEST, historyAsOf: '2026-12-06T23:59:59.999Z' },
        candleClose: 90_100,
        priceUsd: 90_500,
      },
      {
        id: 'stale',
        symbol: 'STL',
        score: 10,
        fields: { ...NO_SIGNAL_FIELDS_FOR_TEST, historyAsOf: '2026-12-04T23:59:59.999Z' },
        candleClose: 1.5,
        priceUsd: 1.2,
      },
      { id: 'new', symbol: 'NEW', score: null, fields: NO_SIGNAL_FIELDS_FOR_TEST, candleClose: null, priceUsd: null },
    ]);
    expect(record.rows.map((row) => [row.id, row.close, row.score])).toEqual([
      ['bitcoin', 90_100, 71.5],
      ['stale', 1.2, 10],
      ['new', null, null],
    ]);
  });
});

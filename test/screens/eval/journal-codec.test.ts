import { describe, expect, it } from 'vitest';
import { decodeJournalRecord, encodeJournalRecord } from '../../../src/screens/eval/journal-codec.js';
import type { JournalRecord } from '../../../src/screens/eval/journal-record.js';
import { syntheticWorld } from './synthetic-world.js';

describe('the journal record as stored', () => {
  const record: JournalRecord = syntheticWorld({ seed: 4, coins: 5, days: 1 })[0]!;
  record.rows[0] = { ...record.rows[0]!, breakout: '52w', trend: 'up', why: 'vol×3.4 · 20d high', close: null, score: null };

  it('round-trips every field', () => {
    expect(decodeJournalRecord(encodeJournalRecord(record))).toEqual(record);
  });

  it('names each column once, not once per row', () => {
    const text = encodeJournalRecord(record);
    expect(text.match(/"squeezePct"/g)).toHaveLength(1);
  });

  it('reads a record of fewer columns with nulls in the missing ones', () => {
    const old = JSON.stringify({ v: 1, date: '2026-12-01', columns: ['id', 'symbol', 'close'], rows: [['bitcoin', 'BTC', 90_000]] });
    const [row] = decodeJournalRecord(old)!.rows;
    expect(row).toMatchObject({ id: 'bitcoin', symbol: 'BTC', close: 90_000, score: null, rvol: null, breakout: null, why: '' });
  });

  it('leaves out a damaged row and reads nothing from a damaged record', () => {
    const columns = ['id', 'symbol', 'close', 'rvol', 'breakout'];
    const text = JSON.stringify({
      v: 1,
      date: '2026-12-01',
      columns,
      rows: [
        ['a', 'A', 1, 2, '20d'],
        ['b', 'B', 'NaN', 2, null],
        ['c', 'C', 1, 2, 'someday'],
        ['d', 'D', 1],
        [null, 'E', 1, 1, null],
      ],
    });
    expect(decodeJournalRecord(text)!.rows.map((row) => row.id)).toEqual(['a']);
    for (const bad of ['', '{', '[]', '{"v":2}', JSON.stringify({ v: 1, date: '2026-13-01', columns, rows: [] })]) {
      expect(decodeJournalRecord(bad)).toBeUndefined();
    }
  });
});

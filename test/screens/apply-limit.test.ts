import { describe, expect, it } from 'vitest';
import { applyLimit } from '../../src/screens/apply-limit.js';

describe('applyLimit', () => {
  it('cuts to the limit with the one wording of the note', () => {
    expect(applyLimit([1, 2, 3, 4], 2, 'stories')).toEqual({ rows: [1, 2], note: 'showing 2 of 4 stories (--limit)' });
  });

  it('says so when fewer rows exist than asked', () => {
    expect(applyLimit([1, 2], 5, 'coins')).toEqual({ rows: [1, 2], note: 'only 2 coins to show (--limit 5)' });
    expect(applyLimit([1], 5, 'coins').note).toBe('only 1 coin to show (--limit 5)');
    expect(applyLimit([1], 5, 'stories').note).toBe('only 1 story to show (--limit 5)');
  });

  it('adds no note when nothing was cut, or without a limit', () => {
    expect(applyLimit([1, 2], 2, 'coins')).toEqual({ rows: [1, 2] });
    expect(applyLimit([], 5, 'coins')).toEqual({ rows: [] });
    expect(applyLimit([1, 2, 3], undefined, 'symbols')).toEqual({ rows: [1, 2, 3] });
  });

  it('never changes the input', () => {
    const rows = [3, 2, 1];
    applyLimit(rows, 1, 'symbols').rows.push(9);
    expect(rows).toEqual([3, 2, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRule } from '../../../src/screens/alerts/parse-rule.js';
import { compareRuns, parseSnapshot, type ShownRow } from '../../../src/screens/changes/compare-runs.js';

const RULE = parseRule('price < 100', { price: 'number' });

function rows(...ids: string[]): ShownRow[] {
  return ids.map((id, index) => ({ id, label: id.toUpperCase(), position: index + 1, fields: {} }));
}

describe('compareRuns', () => {
  it('on a first run, reports every row new, in order', () => {
    expect(compareRuns(undefined, rows('a', 'b'), [])).toEqual([
      { kind: 'new', id: 'a', label: 'A', from: null, to: 1, detail: 'entered at #1' },
      { kind: 'new', id: 'b', label: 'B', from: null, to: 2, detail: 'entered at #2' },
    ]);
  });

  it('finds new, dropped and moved rows (moved only by 5 or more places)', () => {
    const before = { savedAt: 0, rows: rows('a', 'b', 'c', 'd', 'e', 'f', 'g') };
    // g jumps from 7 to 1 (up 6); a falls from 1 to 5 (down 4: not a move); c leaves; h enters.
    const changes = compareRuns(before, rows('g', 'b', 'd', 'e', 'a', 'f', 'h'), []);
    expect(changes.map((change) => [change.kind, change.id, change.from, change.to, change.detail])).toEqual([
      ['moved', 'g', 7, 1, '#7 → #1 (up 6)'],
      ['new', 'h', null, 7, 'entered at #7'],
      ['dropped', 'c', 3, null, 'left (was #3)'],
    ]);
  });

  it('reports nothing when the same rows come back in the same places', () => {
    expect(compareRuns({ savedAt: 0, rows: rows('a', 'b') }, rows('a', 'b'), [RULE])).toEqual([]);
  });

  it('reports a threshold change when a value crosses a rule, either way, with the old and new value', () => {
    const before = {
      savedAt: 0,
      rows: [
        { id: 'a', label: 'A', position: 1, fields: { price: 120 } },
        { id: 'b', label: 'B', position: 2, fields: { price: 50 } },
      ],
    };
    const now = [
      { id: 'a', label: 'A', position: 1, fields: { price: 90 } },
      { id: 'b', label: 'B', position: 2, fields: { price: 150 } },
    ];
    expect(compareRuns(before, now, [RULE])).toEqual([
      { kind: 'threshold', id: 'a', label: 'A', from: 120, to: 90, detail: 'price < 100: now true' },
      { kind: 'threshold', id: 'b', label: 'B', from: 50, to: 150, detail: 'price < 100: now false' },
    ]);
  });

  it('says nothing about a rule the previous run did not keep the fields of', () => {
    const before = { savedAt: 0, rows: [{ id: 'a', label: 'A', position: 1, fields: {} }] };
    expect(compareRuns(before, [{ id: 'a', label: 'A', position: 1, fields: { price: 90 } }], [RULE])).toEqual([]);
  });

  it('reads a saved document of the wrong shape as no previous run', () => {
    expect(parseSnapshot({ savedAt: 1, rows: rows('a') })).toEqual({ savedAt: 1, rows: rows('a') });
    for (const bad of [
      null,
      {},
      { savedAt: 1 },
      { savedAt: 1, rows: [{ id: 'a', label: 'A', position: 0, fields: {} }] },
      { savedAt: 1, rows: [{ id: 1 }] },
    ]) {
      expect(parseSnapshot(bad)).toBeUndefined();
    }
  });
});

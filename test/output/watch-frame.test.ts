import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/output/column-spec.js';
import { renderWatchFrame } from '../../src/output/watch-frame.js';
import type { CommandResult } from '../../src/report.js';

interface Row {
  id: string;
  price: number;
  note: string;
}

const COLUMNS: ColumnSpec<Row>[] = [
  { key: 'id', header: 'Id', value: (row) => row.id, dropOrder: 0 },
  { key: 'price', header: 'Price', value: (row) => row.price, display: (row) => row.price.toFixed(2), align: 'right', dropOrder: 0 },
  { key: 'note', header: 'Note', value: (row) => row.note, dropOrder: 1 },
];

function result(rows: Row[]): CommandResult<Row> {
  return {
    command: 'crypto',
    generatedAt: new Date(0).toISOString(),
    sources: [
      { name: 'coingecko', status: 'cached', fetchedAt: new Date(0).toISOString(), ageSeconds: 42, items: rows.length, error: null },
    ],
    results: rows,
    notes: [],
  };
}

const BASE = { command: 'crypto', columns: COLUMNS, rowId: (row: Row) => row.id, intervalMs: 5000, nextAtMs: 0, refreshes: 2, footer: [] };

describe('renderWatchFrame', () => {
  it('marks the cells that changed since the last frame (inverse with colour) and new rows whole', async () => {
    const chalk = new Chalk({ level: 1 });
    const before = await renderWatchFrame({
      ...BASE,
      result: result([{ id: 'a', price: 1, note: 'x' }]),
      previous: undefined,
      size: { columns: 80, rows: 20 },
      chalk,
    });
    const after = await renderWatchFrame({
      ...BASE,
      result: result([
        { id: 'a', price: 2, note: 'x' },
        { id: 'b', price: 3, note: 'y' },
      ]),
      previous: before.cells,
      size: { columns: 80, rows: 20 },
      chalk,
    });
    const inverse = [...after.frame.matchAll(/\u001b\[7m([^\u001b]*)\u001b\[27m/g)].map((match) => match[1]!.trim());
    expect(inverse).toEqual(['2.00', 'b', '3.00', 'y']);
    expect(after.frame).toContain('coingecko cached 42s');
    expect(after.frame).toContain('every 5s');
  });

  it('fits the terminal: rows cut to its height, lines to its width, third-party text sanitised', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, price: i, note: `evil\u001b]0;title\u0007 ${'w'.repeat(200)}` }));
    const { frame } = await renderWatchFrame({
      ...BASE,
      result: result(rows),
      previous: undefined,
      size: { columns: 60, rows: 12 },
      chalk: new Chalk({ level: 0 }),
      footer: ['warning: \u001b[31mred'],
    });
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(12);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(frame).not.toContain('\u001b]');
    expect(lines.at(-1)).toBe('warning: red');
  });
});

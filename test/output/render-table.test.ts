import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/output/column-spec.js';
import { renderTable } from '../../src/output/render-table.js';
import { renderCsv } from '../../src/output/render-csv.js';

interface Row {
  symbol: string;
  title: string;
  change: number;
  extra: string;
}

const columns: ColumnSpec<Row>[] = [
  { key: 'symbol', header: 'Symbol', value: (r) => r.symbol, dropOrder: 0 },
  { key: 'title', header: 'Title', value: (r) => r.title, maxWidth: 60, dropOrder: 0 },
  {
    key: 'change',
    header: 'Chg',
    value: (r) => r.change,
    display: (r) => r.change.toFixed(1),
    align: 'right',
    signColor: true,
    dropOrder: 1,
  },
  { key: 'extra', header: 'Extra column', value: (r) => r.extra, dropOrder: 2 },
];
const rows: Row[] = [
  {
    symbol: 'BTC',
    title: 'Bitcoin climbs past a round number as ETF inflows continue for a tenth day',
    change: 2.5,
    extra: 'x'.repeat(30),
  },
  { symbol: 'ETH', title: '\u001b]0;pwned\u0007Ether \u001b[31mslips\u001b[0m', change: -1.25, extra: 'y' },
];
const plain = new Chalk({ level: 0 });
const width = (text: string): number => Math.max(...text.split('\n').map((line) => [...line].length));

describe('renderTable', () => {
  it('shows every column when there is room', async () => {
    const out = await renderTable(rows, columns, { width: 200, chalk: plain });
    expect(out).toContain('Extra column');
    expect(out).toMatch(/Bitcoin climbs past a round number as ETF inflows .*…/);
    expect(width(out)).toBeLessThanOrEqual(200);
  });

  it('fits 80 columns by dropping by dropOrder, keeping the title readable, then shrinks it as a last resort', async () => {
    const out = await renderTable(rows, columns, { width: 80, chalk: plain });
    expect(width(out)).toBeLessThanOrEqual(80);
    expect(out).not.toContain('Extra column');
    expect(out).toContain('Chg');
    expect(out).toMatch(/Bitcoin climbs past a round number as ETF inflows/);
    const narrow = await renderTable(rows, columns, { width: 40, chalk: plain });
    expect(width(narrow)).toBeLessThanOrEqual(40);
    expect(narrow).toContain('Symbol');
    expect(narrow).not.toContain('Chg');
  });

  it('never lets third-party escape sequences through', async () => {
    const out = await renderTable(rows, columns, { width: 120, chalk: plain });
    expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(out).toContain('Ether slips');
  });

  it('colours by sign only when colour is on', async () => {
    const coloured = await renderTable(rows, columns, { width: 200, chalk: new Chalk({ level: 1 }) });
    expect(coloured).toContain('\u001b[32m2.5');
    expect(coloured).toContain('\u001b[31m-1.3');
  });
});

describe('renderCsv', () => {
  it('writes the machine values under the column keys', () => {
    const csv = renderCsv(rows, columns);
    const [header, first] = csv.trim().split('\n');
    expect(header).toBe('symbol,title,change,extra');
    expect(first).toBe(`BTC,${rows[0]!.title},2.5,${'x'.repeat(30)}`);
  });
});

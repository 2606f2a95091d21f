/**
 * A journal record as stored: JSON with the column names once and one array of values per row
 * (`{"v":1,"date":…,"columns":[…],"rows":[[…],…]}`), a third of the size of one object per row.
 * Reading it back checks every value against its column's kind: a record from an older version
 * (fewer columns) reads with nulls in the new ones, a damaged row is left out, a damaged record
 * reads as none.
 */
import type { JournalRecord, JournalRow } from './journal-record.js';
import { dayNumberOf } from './utc-day.js';

const FORMAT_VERSION = 1;

type Kind = 'text' | 'number' | 'breakout' | 'trend' | 'iso';

/** Every journaled field and its kind; a `Record` over the row's keys, so a new signal field cannot be left out. */
const COLUMN_KINDS: Readonly<Record<keyof JournalRow, Kind>> = {
  id: 'text',
  symbol: 'text',
  close: 'number',
  score: 'number',
  rvol: 'number',
  breakout: 'breakout',
  rs7dPct: 'number',
  rs30dPct: 'number',
  squeezePct: 'number',
  rsi14: 'number',
  rsi14h: 'number',
  trend: 'trend',
  listedDays: 'number',
  historyAsOf: 'iso',
  why: 'text',
};
const COLUMNS = Object.keys(COLUMN_KINDS) as (keyof JournalRow)[];

/** The stored text of `record`. */
export function encodeJournalRecord(record: JournalRecord): string {
  const rows = record.rows.map((row) => COLUMNS.map((column) => row[column] ?? null));
  return JSON.stringify({ v: FORMAT_VERSION, date: record.date, columns: COLUMNS, rows });
}

/** The record in `json`, or undefined when it is not one (wrong version, date or shape). */
export function decodeJournalRecord(json: string): JournalRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || parsed['v'] !== FORMAT_VERSION) return undefined;
  const { date, columns, rows } = parsed;
  if (typeof date !== 'string' || dayNumberOf(date) === undefined) return undefined;
  if (!Array.isArray(columns) || !columns.every((name) => typeof name === 'string') || !Array.isArray(rows)) return undefined;
  const positions = new Map<keyof JournalRow, number>();
  columns.forEach((name: string, index) => {
    if (Object.hasOwn(COLUMN_KINDS, name) && !positions.has(name as keyof JournalRow)) positions.set(name as keyof JournalRow, index);
  });
  if (!positions.has('id') || !positions.has('symbol')) return undefined;
  const decoded: JournalRow[] = [];
  for (const values of rows) {
    if (!Array.isArray(values) || values.length !== columns.length) continue;
    const row = decodeRow(values, positions);
    if (row) decoded.push(row);
  }
  return { date, rows: decoded };
}

function decodeRow(values: readonly unknown[], positions: ReadonlyMap<keyof JournalRow, number>): JournalRow | undefined {
  const row: Record<string, unknown> = {};
  for (const column of COLUMNS) {
    const position = positions.get(column);
    const value = position === undefined ? null : (values[position] ?? null);
    if (!fits(COLUMN_KINDS[column], value, column)) return undefined;
    row[column] = column === 'why' && value === null ? '' : value;
  }
  return row as unknown as JournalRow;
}

function fits(kind: Kind, value: unknown, column: keyof JournalRow): boolean {
  if (value === null) return column !== 'id' && column !== 'symbol';
  switch (kind) {
    case 'text':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'breakout':
      return value === '52w' || value === '20d';
    case 'trend':
      return value === 'up' || value === 'down' || value === 'mixed';
    case 'iso':
      return typeof value === 'string' && Number.isFinite(Date.parse(value));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

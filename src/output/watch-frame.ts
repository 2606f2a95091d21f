import type { ChalkInstance } from 'chalk';
import type { CommandResult } from '../report.js';
import type { ColumnSpec } from './column-spec.js';
import { formatAge, formatMs } from './format-number.js';
import { renderTable } from './render-table.js';
import { sanitizeText } from './sanitize.js';

/** The text of every cell of a frame's rows, by row id and column key: what the next frame compares with. */
export type FrameCells = Map<string, Record<string, string>>;

export interface WatchFrameInput<Row> {
  command: string;
  result: CommandResult<Row> | undefined;
  columns: ColumnSpec<Row>[];
  rowId: (row: Row) => string;
  /** The cells of the last refresh, to mark what changed; undefined on the first. */
  previous: FrameCells | undefined;
  size: { columns: number; rows: number };
  chalk: ChalkInstance;
  intervalMs: number;
  /** How often the data itself can change (the sources' cache TTL when longer than the interval). @default intervalMs */
  dataIntervalMs?: number;
  /** The first row to show (paging); clamped to the rows there are. @default 0 */
  offset?: number;
  /** When the next refresh starts (epoch ms); undefined while one is under way. */
  nextAtMs: number | undefined;
  /** Refreshes done so far. */
  refreshes: number;
  /** Lines for the foot of the screen (the latest warning, the alerts that fired). */
  footer: readonly string[];
}

/** Lines around the table: two of header, the table's top and bottom rules and its head, the rows line, one of footer at least. */
const FRAME_LINES = 7;

/**
 * One `--watch` screen: a header (the command, the interval and the next refresh's time, each
 * source's freshness and age), the table cut to the terminal's height with the cells that changed
 * since the last refresh marked, and a footer. Third-party text is sanitised.
 */
export async function renderWatchFrame<Row>(
  input: WatchFrameInput<Row>,
): Promise<{ frame: string; cells: FrameCells; offset: number; pageRows: number }> {
  const { chalk, result } = input;
  const total = result?.results.length ?? 0;
  const room = Math.max(1, input.size.rows - FRAME_LINES - input.footer.length);
  const offset = Math.max(0, Math.min(input.offset ?? 0, total - room));
  const paged = total > room;
  const next = input.nextAtMs === undefined ? 'refreshing…' : `next refresh ${clockTime(input.nextAtMs)}`;
  const dataMs = input.dataIntervalMs ?? input.intervalMs;
  // Most important first; what does not fit the width is left out whole, from the end (never cut mid-word).
  const header = fitParts(
    [
      chalk.bold(`screen ${input.command}`),
      `every ${interval(input.intervalMs)}`,
      ...(dataMs > input.intervalMs ? [`data every ${interval(dataMs)} (cache TTL)`] : []),
      next,
      `r fetch now, q quit${paged ? ', ↑/↓ PgUp/PgDn' : ''}`,
      `update ${input.refreshes}`,
    ],
    input.size.columns,
  );
  const freshness = result
    ? result.sources
        .map(
          (source) =>
            `${source.name} ${source.status}${source.ageSeconds === null || source.status === 'skipped' ? '' : ` ${formatAge(source.ageSeconds)}`}`,
        )
        .join(' · ')
    : 'waiting for the first answer…';
  const cells: FrameCells = new Map();
  let table = '';
  let rowsLine: string[] = [];
  if (result && result.results.length > 0) {
    const rows = result.results.slice(offset, offset + room);
    if (paged) rowsLine = [`${rows.length} of ${total} rows (${offset + 1}–${offset + rows.length}) · ↑/↓ a row, PgUp/PgDn a page`];
    for (const row of rows) cells.set(input.rowId(row), cellTexts(row, input.columns));
    const previous = input.previous;
    const marked = previous
      ? (rowIndex: number, key: string): boolean => {
          const id = input.rowId(rows[rowIndex]!);
          const before = previous.get(id);
          return before === undefined || before[key] !== cells.get(id)![key];
        }
      : undefined;
    table = await renderTable(rows, input.columns, { width: input.size.columns, chalk, ...(marked ? { marked } : {}) });
  } else if (result) {
    table = 'no rows';
  }
  const lines = [
    header,
    sanitizeText(freshness),
    ...(table ? table.split('\n') : []),
    ...rowsLine,
    ...input.footer.map((line) => sanitizeText(line)),
  ];
  return { frame: lines.map((line) => cutToWidth(line, input.size.columns)).join('\n'), cells, offset, pageRows: room };
}

function interval(ms: number): string {
  return ms < 1000 ? formatMs(ms) : formatAge(ms / 1000);
}

/** The parts joined with " · ", as many as fit `width` (escape sequences do not count); the first always stays. */
function fitParts(parts: readonly string[], width: number): string {
  const visible = (text: string): number => [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
  const kept = [...parts];
  while (kept.length > 1 && visible(kept.join(' · ')) > width) kept.pop();
  return kept.join(' · ');
}

function cellTexts<Row>(row: Row, columns: readonly ColumnSpec<Row>[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const column of columns) texts[column.key] = column.display ? column.display(row) : String(column.value(row));
  return texts;
}

/** HH:MM:SS in the local time zone. */
function clockTime(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}

/** A line cut to the terminal's width (escape sequences do not count), so no line wraps and scrolls the frame. */
function cutToWidth(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let at = 0; at < line.length; ) {
    const sequence = /^\u001b\[[0-9;]*m/.exec(line.slice(at));
    if (sequence) {
      out += sequence[0];
      at += sequence[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(at)!);
    if (visible >= width) {
      at += char.length;
      continue;
    }
    out += char;
    visible++;
    at += char.length;
  }
  return out;
}

import type { ChalkInstance } from 'chalk';
import { drawTable } from './draw-table.js';
import { formatCompact } from './format-number.js';
import { csvCell, sanitizeText } from './sanitize.js';

/** One change as the output draws it (the shape of `RowChange` in src/screens/changes). */
export interface ChangeLine {
  kind: 'new' | 'dropped' | 'moved' | 'threshold';
  id: string;
  label: string;
  from: number | string | null;
  to: number | string | null;
  detail: string;
}

/** Widest label cell (a news title), in characters. */
const LABEL_MAX_CHARS = 60;

/**
 * `--changes` as a table of only the changed rows: what changed, the row's symbol or title, where
 * it was and is (positions for new, dropped and moved rows; the rule's value for a threshold),
 * and a sentence. Third-party text is sanitised.
 */
export async function renderChangesTable(changes: readonly ChangeLine[], labelHeader: string, chalk: ChalkInstance): Promise<string> {
  const colour: Record<ChangeLine['kind'], (text: string) => string> = {
    new: chalk.green,
    dropped: chalk.red,
    moved: chalk.yellow,
    threshold: chalk.cyan,
  };
  const rows = changes.map((change) => [
    colour[change.kind](change.kind),
    cut(sanitizeText(change.label)),
    where(change, change.from),
    where(change, change.to),
    sanitizeText(change.detail),
  ]);
  return `${await drawTable({ head: ['Change', labelHeader, 'From', 'To', 'Detail'], aligns: ['left', 'left', 'right', 'right', 'left'], chalk }, rows)}\n`;
}

/** `--changes --csv`: one line per change, `kind,id,<symbol|title>,from,to,detail`. */
export function renderChangesCsv(changes: readonly ChangeLine[], labelKey: string): string {
  const lines = [['kind', 'id', labelKey, 'from', 'to', 'detail'].join(',')];
  for (const change of changes)
    lines.push([change.kind, change.id, change.label, change.from, change.to, change.detail].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

function where(change: ChangeLine, value: number | string | null): string {
  if (value === null) return '–';
  if (change.kind !== 'threshold') return `#${value}`;
  return typeof value === 'number' ? formatCompact(value) : cut(sanitizeText(value));
}

function cut(text: string): string {
  const chars = [...text];
  return chars.length > LABEL_MAX_CHARS ? `${chars.slice(0, LABEL_MAX_CHARS - 1).join('')}…` : text;
}

import type { ChalkInstance } from 'chalk';
import type { CommandResult } from '../report.js';
import type { ColumnSpec } from './column-spec.js';
import { renderCsv } from './render-csv.js';
import { renderJson } from './render-json.js';
import { renderTable } from './render-table.js';

export interface ResultsRenderOptions {
  format: 'table' | 'json' | 'csv';
  /** Colours for the table (a level-0 chalk draws none). */
  chalk: ChalkInstance;
  /** Width the table must fit, in columns. */
  widthColumns: number;
  /** The run's metrics, for the JSON document. */
  metrics: unknown;
  /** More members of the JSON document (see `renderJson`). */
  extra?: Readonly<Record<string, unknown>>;
  /** OSC 8 hyperlinks in the table (a terminal that shows them). @default false */
  links?: boolean;
}

/**
 * The results as stdout shows them: one JSON document, CSV, or a table (nothing when there are no
 * rows). The renderers are small; the table library is loaded only when a table is drawn.
 */
export async function renderResults<Row>(
  result: CommandResult<Row>,
  columns: ColumnSpec<Row>[],
  options: ResultsRenderOptions,
): Promise<string> {
  switch (options.format) {
    case 'json':
      return renderJson(result, options.metrics, options.extra);
    case 'csv':
      return renderCsv(result.results, columns);
    case 'table': {
      if (result.results.length === 0) return '';
      return `${await renderTable(result.results, columns, { width: options.widthColumns, chalk: options.chalk, links: options.links === true })}\n`;
    }
  }
}

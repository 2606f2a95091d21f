import type { ChalkInstance } from 'chalk';
import type { CommandResult } from '../report.js';
import type { ColumnSpec } from './column-spec.js';

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
}

/**
 * The results as stdout shows them: one JSON document, CSV, or a table (nothing when there are no
 * rows). Only the renderer asked for is loaded.
 */
export async function renderResults<Row>(
  result: CommandResult<Row>,
  columns: ColumnSpec<Row>[],
  options: ResultsRenderOptions,
): Promise<string> {
  switch (options.format) {
    case 'json':
      return (await import('./render-json.js')).renderJson(result, options.metrics, options.extra);
    case 'csv':
      return (await import('./render-csv.js')).renderCsv(result.results, columns);
    case 'table': {
      if (result.results.length === 0) return '';
      const { renderTable } = await import('./render-table.js');
      return `${await renderTable(result.results, columns, { width: options.widthColumns, chalk: options.chalk })}\n`;
    }
  }
}

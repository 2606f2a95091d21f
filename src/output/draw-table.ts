import type { ChalkInstance } from 'chalk';

export interface TableLayout {
  /** Header texts, drawn bold. */
  head: readonly string[];
  /** Per column. @default 'left' each */
  aligns?: ReadonlyArray<'left' | 'right'>;
  chalk: ChalkInstance;
}

/**
 * Draws rows with cli-table3 in the one style every table of qaht shares (results, `status`,
 * `cache ls`): compact, no rules between rows, bold headers. cli-table3 is loaded on first use.
 * Cells must already be sanitised; they may carry colour and newlines.
 */
export async function drawTable(layout: TableLayout, rows: ReadonlyArray<readonly string[]>): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: layout.head.map((text) => layout.chalk.bold(text)),
    colAligns: layout.head.map((_, index) => layout.aligns?.[index] ?? 'left'),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push([...row]);
  return table.toString();
}

import type { OptionRecord } from '../../../options/option-record.js';
import { renderResults } from '../../../output/render-results.js';
import { renderRunReport } from '../../../output/run-report.js';
import { sanitizeText } from '../../../output/sanitize.js';
import type { Rendered, RenderView, RunOutcome } from '../../command-spec.js';
import { noResultsLine } from '../../../output/no-results-line.js';
import { type DataCommandDefinition, type DataCommandOptions, type DataRun, detailedTiming } from '../definition.js';
import { alertJson, describeAlert } from '../notify/alert-payload.js';

/**
 * A data run as text. Without `--changes`: the results (table, JSON or CSV), with `alerts` in the
 * JSON when rules are in force. With it: only what changed (a table of the changed rows, the
 * JSON document with `previousRunAt` and `changes`, or CSV of the changes), and when nothing
 * changed no table or CSV at all (the JSON document, with no changes), status lines included, so cron mails nothing (unless `--strict` finds
 * the run degraded: then the status lines say why it exits 3). Fired alerts are named on stderr
 * in every format.
 */
export async function renderDataRun<Records extends readonly OptionRecord<string, unknown>[], Options, Row>(
  run: DataRun<Row>,
  options: DataCommandOptions<Options>,
  view: RenderView,
  context: { definition: DataCommandDefinition<Records, Options, Row>; outcome: RunOutcome },
): Promise<Rendered> {
  const { definition } = context;
  const { labelKey } = definition.identity;
  const format = options.data.format;
  const extra: Record<string, unknown> = {};
  const changes = run.changes;
  if (changes) {
    extra.previousRunAt = changes.previousRunAt;
    extra.changes = changes.changes.map(({ label, ...change }) => ({
      kind: change.kind,
      id: change.id,
      [labelKey]: label,
      from: change.from,
      to: change.to,
      detail: change.detail,
    }));
  }
  if (options.change.rules.length > 0) extra.alerts = run.alerts.map((alert) => alertJson(alert, labelKey));

  const unchanged = changes !== undefined && changes.changes.length === 0;
  let stdout = '';
  // Machine output is never empty: `--json` prints its document with `"changes": []` when nothing changed.
  if (changes && (!unchanged || format === 'json')) {
    if (format === 'json') {
      stdout = await renderResults(run.result, [], {
        format,
        chalk: view.stdout.chalk,
        widthColumns: view.stdout.widthColumns,
        metrics: run.metrics,
        extra,
      });
    } else {
      const { renderChangesTable, renderChangesCsv } = await import('../../../output/render-changes.js');
      stdout =
        format === 'csv'
          ? renderChangesCsv(changes.changes, labelKey)
          : await renderChangesTable(changes.changes, labelKey === 'symbol' ? 'Symbol' : 'Title', view.stdout.chalk);
    }
  } else if (!changes) {
    stdout = await renderResults(run.result, definition.columns(run.result, view.stdout), {
      format,
      chalk: view.stdout.chalk,
      widthColumns: view.stdout.widthColumns,
      metrics: run.metrics,
      extra,
      links: view.stdout.links,
    });
  }

  const lines =
    view.quiet || (unchanged && context.outcome === 'ok')
      ? []
      : renderRunReport(run.result, run.metrics, run.sourceOfHost, view.stderr.chalk, detailedTiming(view, options.data.timing));
  if (!view.quiet) {
    for (const alert of run.alerts)
      lines.push(`${view.stderr.chalk.yellow('alert:')} ${sanitizeText(alert.label)} (${describeAlert(alert)})`);
  }
  if (context.outcome === 'no-results') lines.push(noResultsLine(view.bin, run.result.sources, run.demo));
  return { stdout, stderr: lines.length > 0 ? `${lines.join('\n')}\n` : '' };
}

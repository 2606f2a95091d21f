/**
 * The pipeline's report helpers, shared by the data commands' runs and their features (changes/,
 * notify/, watch/): the run's redaction of a result, a run that lacked only keys, the outcome
 * for the exit code, and which source each host belongs to.
 */
import { isDegraded } from '../../output/status-lines.js';
import { type CommandResult, type SourceReport, skipReasonText } from '../../report.js';
import type { SourceName } from '../../sources/source-names.js';
import type { RunOutcome } from '../command-spec.js';

/** The report's reasons and notes through the run's one redaction (`RunContext.redact`). */
export function redactResult<Row>(
  result: CommandResult<Row, SourceName>,
  redact: (text: string) => string,
): CommandResult<Row, SourceName> {
  return {
    ...result,
    sources: result.sources.map((report) => (report.error === null ? report : { ...report, error: redact(report.error) })),
    notes: result.notes.map(redact),
  };
}

/**
 * When every source was skipped for want of a key (e.g. `--sources coincap` without
 * COINCAP_API_KEY), the run is a configuration error, not an outage: the reasons, joined.
 */
export function onlyMissingKeys(sources: readonly SourceReport[]): string | undefined {
  const missing = sources.flatMap((source) => (source.skip?.kind === 'missing-key' ? [skipReasonText(source.skip)] : []));
  const ran = sources.some((source) => source.status !== 'skipped');
  return missing.length > 0 && !ran ? missing.join('; ') : undefined;
}

/**
 * `ok` when anything was served; `no-results` when every source failed and no cache could serve;
 * under `--strict`, `degraded` when a source failed, served stale data, or served only part of
 * what was asked (a market source that ran out of budget partway reports an error beside its data).
 */
export function runOutcome(sources: readonly SourceReport[], strict: boolean): RunOutcome {
  const served = sources.some((s) => s.status === 'fresh' || s.status === 'cached' || s.status === 'stale');
  if (!served) return 'no-results';
  return strict && sources.some(isDegraded) ? 'degraded' : 'ok';
}

/** Which of this run's sources uses each host (a host shared by several, as in tests, names the first). */
export function sourceOfHost(sources: readonly SourceReport<SourceName>[], hostsOf: (source: SourceName) => string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const { name } of sources) {
    for (const host of hostsOf(name)) if (!map.has(host)) map.set(host, name);
  }
  return map;
}

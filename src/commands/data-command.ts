import { dataOptions, type DataRunOptions, toDataRunOptions } from '../options/data-options.js';
import type { OptionRecord, OptionValues } from '../options/option-record.js';
import { usageError } from '../options/parse-values.js';
import { resolveOptions } from '../options/resolve-options.js';
import type { ColumnSpec } from '../output/column-spec.js';
import { degradedLine, isDegraded } from '../output/status-lines.js';
import type { PerformanceStats } from '../perf/performance-monitor.js';
import { type CommandResult, type SourceReport, skipReasonText } from '../report.js';
import { type Env, hostsFor, type SourceName } from '../sources/source-names.js';
import type { ArgumentRecord, CommandContext, CommandSpec, RunOutcome } from './command-spec.js';
import { createRunContext } from './run-context.js';
import type { CommonOptions, Runtime } from './runtime.js';

/** What makes one data command (crypto, news, market) different from the others. */
export interface DataCommandDefinition<Records extends readonly OptionRecord<string, unknown>[], Options, Row> {
  name: CommandResult<Row>['command'];
  /** The sources `--sources` may name. */
  sources: readonly SourceName[];
  /** `--limit` when not given. */
  defaultLimit: number;
  args?: readonly ArgumentRecord[];
  /** The command's own options; the data options (`dataOptions`) are added to them. */
  options: Records;
  /** The command's options from its records' values and the positional arguments. @throws QahtError QAHT_ERR_USAGE */
  parse(values: OptionValues<Records>, args: readonly string[]): Options;
  /** Fetches and screens. Never throws for a source's failure: that goes into its report. */
  screen(rt: Runtime, options: CommonOptions & Options): Promise<CommandResult<Row, SourceName>>;
  /** Table and CSV columns for a result. */
  columns(result: CommandResult<Row>): ColumnSpec<Row>[];
}

export interface DataCommandOptions<Options> {
  data: DataRunOptions;
  command: Options;
}

/** A finished data run, ready to render. */
export interface DataRun<Row> {
  result: CommandResult<Row, SourceName>;
  /** One snapshot for the JSON document and the stderr summary, so both report the same run. */
  metrics: PerformanceStats;
  /** Which source uses each host, to label the timing summary. */
  sourceOfHost: ReadonlyMap<string, string>;
  /** The run used the bundled recordings (`--demo`). */
  demo: boolean;
}

/**
 * The spec of a data command: the shared pipeline around `definition.screen`. A run builds the
 * runtime (cache view in the run's cache mode, state, HTTP client on first use; the demo server
 * under `--demo`), screens, and leaves saving state and writing `--metrics-file` until the
 * output is printed. Results go to stdout as a table, JSON or CSV; status lines, notes and the
 * timing summary to stderr.
 */
export function dataCommand<const Records extends readonly OptionRecord<string, unknown>[], Options, Row>(
  definition: DataCommandDefinition<Records, Options, Row>,
): CommandSpec<DataCommandOptions<Options>, DataRun<Row>> {
  const shared = dataOptions(definition);
  const outcome = (run: DataRun<Row>, options: DataCommandOptions<Options>): RunOutcome =>
    runOutcome(run.result.sources, options.data.strict);
  return {
    ...(definition.args ? { args: definition.args } : {}),
    options: [...definition.options, ...shared],
    parse(input) {
      const data = toDataRunOptions(resolveOptions(shared, input.raw, input.env).values);
      return { data, command: definition.parse(resolveOptions(definition.options, input.raw, input.env).values, input.args) };
    },
    run: (context, options) => runData(definition, context, options),
    async render(run, options, view) {
      const [{ renderResults }, { renderRunReport }] = await Promise.all([
        import('../output/render-results.js'),
        import('../output/run-report.js'),
      ]);
      const stdout = await renderResults(run.result, definition.columns(run.result), {
        format: options.data.format,
        chalk: view.stdout.chalk,
        widthColumns: view.stdout.widthColumns,
        metrics: run.metrics,
      });
      const lines = view.quiet ? [] : renderRunReport(run.result, run.metrics, run.sourceOfHost, view.stderr.chalk);
      const verdict = outcome(run, options);
      if (verdict === 'no-results') {
        const hint = run.demo ? '' : ' (no network here? `--demo` runs on bundled recordings)';
        lines.push(`screen: no results: every source failed and no cache could serve${hint}`);
      }
      // --quiet silences the status lines; an exit 3 still says why, so cron has something to mail.
      if (verdict === 'degraded' && view.quiet) lines.push(degradedLine(run.result.sources));
      return { stdout, stderr: lines.length > 0 ? `${lines.join('\n')}\n` : '' };
    },
    outcome,
    outputFile: (options) => options.data.outputFile,
  };
}

async function runData<Records extends readonly OptionRecord<string, unknown>[], Options, Row>(
  definition: DataCommandDefinition<Records, Options, Row>,
  context: CommandContext,
  options: DataCommandOptions<Options>,
): Promise<DataRun<Row>> {
  const { settings } = context;
  let env = context.env;
  if (settings.demo) {
    const demo = await (await import('../demo/demo-server.js')).startDemoServer();
    context.afterOutput(() => demo.close());
    env = { ...env, ...demo.env };
  }
  const session = await createRunContext({
    settings,
    env,
    stderr: context.stderr,
    interactive: context.stderr.isTTY === true,
    mode: options.data.cacheMode,
    clock: context.clock,
    ...(context.interrupts ? { interrupts: context.interrupts } : {}),
  });
  const stopInterrupts = session.onInterrupt();
  context.afterOutput(async () => {
    stopInterrupts();
    await session.close();
  });
  const screened = await definition.screen(session.runtime, {
    sources: options.data.sources,
    limit: options.data.limit,
    ...options.command,
  });
  // From here on every reader (status lines, JSON, the state file's failure reasons, the log) sees
  // the redacted text: one pass, whichever source quoted whichever key.
  const result = redactResult(screened, session.redact);
  const missingKeys = onlyMissingKeys(result.sources);
  if (missingKeys) throw usageError(`no source to run: ${missingKeys} (or try --demo)`);
  const metrics = session.metrics();
  context.afterOutput(() => session.finish({ command: definition.name, metricsFile: options.data.metricsFile, sources: result.sources }));
  return { result, metrics, sourceOfHost: sourceOfHost(result.sources, env), demo: settings.demo };
}

function redactResult<Row>(result: CommandResult<Row, SourceName>, redact: (text: string) => string): CommandResult<Row, SourceName> {
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
function onlyMissingKeys(sources: readonly SourceReport[]): string | undefined {
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
function sourceOfHost(sources: readonly SourceReport<SourceName>[], env: Env): Map<string, string> {
  const map = new Map<string, string>();
  for (const { name } of sources) {
    for (const host of hostsFor(name, env)) if (!map.has(host)) map.set(host, name);
  }
  return map;
}

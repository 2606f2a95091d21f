/**
 * The data-run pipeline every data command shares (`crypto`, `news`, `market`): option parsing
 * (records, config-file section, watchlist, change settings), the run (demo, run context, watch
 * hand-off, screen, redaction, missing-key check) and what follows it once the output is out
 * (changes, alerts, notifications, saving state). A command states only what differs, in its
 * `DataCommandDefinition` (definition.ts); `report.ts` holds the report helpers `changes/`,
 * `notify/` and `watch/` import, so none of them imports this file back.
 */
import { changeOptions } from '../../options/change-options.js';
import type { ConfigFile } from '../../options/config-file.js';
import { dataOptions, toDataRunOptions } from '../../options/data-options.js';
import { defaultText, type OptionRecord, type ValueSource } from '../../options/option-record.js';
import { usageError } from '../../options/parse-values.js';
import { type ConfigSettings, configName, resolveOptions } from '../../options/resolve-options.js';
import { demoSources } from '../../demo/demo-sources.js';
import { noResultsLine } from '../../output/no-results-line.js';
import { renderResults } from '../../output/render-results.js';
import { renderRunReport } from '../../output/run-report.js';
import { degradedLine } from '../../output/status-lines.js';
import { redactUrl, secretsInWebhookUrl } from '../../redact.js';
import type { RuleFields } from '../../screens/alerts/rule-fields.js';
import { apiKeysIn, type Env, type SourceName } from '../../sources/source-names.js';
import type { ChangeSettings } from './changes/change-settings.js';
import type { CommandContext, CommandSpec, RunOutcome } from '../command-spec.js';
import { createRunContext, type RunContext } from '../../runtime/run-context.js';
import type { CommonOptions } from '../../runtime/runtime.js';
import { type DataCommandDefinition, type DataCommandOptions, type DataRun, detailedTiming, type Watchlist } from './definition.js';
import { onlyMissingKeys, redactResult, runOutcome, sourceOfHost } from './report.js';

export type { DataCommandDefinition, DataCommandOptions, DataRun } from './definition.js';
export { redactResult, runOutcome } from './report.js';

/** What a run without `--changes`, rules, notifications or `--watch` asks: nothing. */
const NO_CHANGES: ChangeSettings = { changes: false, rules: [], notifyCmd: undefined, webhook: undefined, watch: undefined, memoryKey: '' };

/**
 * The spec of a data command: the shared pipeline around `definition.screen`. A run builds the
 * runtime (cache view in the run's cache mode, state, HTTP client on first use; the demo server
 * under `--demo`), screens, compares with the previous run and checks alert rules when asked,
 * and leaves saving state, notifications and writing `--metrics-file` until the output is
 * printed. Results go to stdout as a table, JSON or CSV; status lines, notes, alerts and the
 * timing summary to stderr. Under `--watch` the run redraws on the terminal instead.
 */
export function dataCommand<const Records extends readonly OptionRecord<string, unknown>[], Options, Row>(
  definition: DataCommandDefinition<Records, Options, Row>,
): CommandSpec<DataCommandOptions<Options>, DataRun<Row>> {
  const shared = dataOptions(definition);
  const changeRecords = changeOptions(definition.alertExample);
  const all: readonly OptionRecord<string, unknown>[] = [...definition.options, ...shared, ...changeRecords];
  const outcome = (run: DataRun<Row>, options: DataCommandOptions<Options>): RunOutcome =>
    run.watched ? 'ok' : runOutcome(run.result.sources, options.data.strict);
  return {
    ...(definition.args ? { args: definition.args } : {}),
    options: [...definition.options, ...shared, ...changeRecords],
    usesConfig: true,
    async parse(input) {
      const settings = commandSettings(input.config, definition.name, all);
      const data = toDataRunOptions(resolveOptions(shared, input.raw, input.env, settings).values);
      const changeValues = resolveOptions(changeRecords, input.raw, input.env, settings);
      const watchlist = findWatchlist(changeValues.values.watchlist, input.config, input.configPath);
      const command = definition.parse(resolveOptions(definition.options, input.raw, input.env, settings).values, input.args, watchlist);
      const values = changeValues.values;
      const wanted =
        values.changes ||
        values.alerts.length > 0 ||
        values.notifyCmd !== undefined ||
        values.webhook !== undefined ||
        values.watch !== undefined ||
        (input.config?.alerts[definition.name]?.length ?? 0) > 0;
      // A plain run loads none of the change, alert or watch code.
      if (!wanted) return { data, change: NO_CHANGES, command };
      const { toChangeSettings } = await import('./changes/change-settings.js');
      const change = await toChangeSettings({
        command: definition.name,
        values: changeValues.values,
        sources: changeValues.sources,
        fields: () => definition.ruleFields() as Promise<RuleFields<never>>,
        config: input.config,
        format: data.format,
        env: input.env,
        identity: { command: definition.name, options: command, limit: data.limit, sources: data.sources ?? null },
      });
      return { data, change, command };
    },
    run: (context, options) => runData(definition, context, options),
    async render(run, options, view) {
      if (run.watched) return { stdout: '', stderr: run.watched.stderr };
      if (run.changes || options.change.rules.length > 0) {
        const { renderDataRun } = await import('./changes/render-data-run.js');
        return renderDataRun(run, options, view, { definition, outcome: outcome(run, options) });
      }
      const stdout = await renderResults(run.result, definition.columns(run.result, view.stdout), {
        format: options.data.format,
        chalk: view.stdout.chalk,
        widthColumns: view.stdout.widthColumns,
        metrics: run.metrics,
        links: view.stdout.links,
      });
      const lines = view.quiet
        ? []
        : renderRunReport(run.result, run.metrics, run.sourceOfHost, view.stderr.chalk, detailedTiming(view, options.data.timing));
      if (definition.legend && options.data.format === 'table' && !view.quiet && run.result.results.length > 0)
        lines.unshift(view.stderr.chalk.dim(definition.legend));
      const verdict = outcome(run, options);
      if (verdict === 'no-results') lines.push(noResultsLine(view.bin, run.result.sources, run.demo));
      // --quiet silences the status lines; an exit 3 still says why, so cron has something to mail.
      if (verdict === 'degraded' && view.quiet) lines.push(degradedLine(run.result.sources, view.bin));
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
  const watching = options.change.watch !== undefined;
  if (watching && !context.terminal)
    throw usageError('--watch needs a terminal: stdout is not one (run without --watch from cron or a pipe)');
  let env = context.env;
  let baseUrls: ((source: SourceName) => Promise<readonly string[]>) | undefined;
  // A source's loopback server starts when it must fetch: a run the cache serves starts none.
  const demo = settings.demo ? demoSources() : undefined;
  if (demo) {
    context.afterOutput(() => demo.close());
    env = { ...env, ...demo.keys };
    baseUrls = (source) => demo.baseUrls(source);
  }
  const offScreen = watching ? (await import('./watch/captured-stream.js')).capturedStream() : undefined;
  const session = await createRunContext({
    bin: context.bin,
    settings,
    env,
    stderr: offScreen ?? context.stderr,
    interactive: !watching && context.stderr.isTTY === true,
    mode: options.data.cacheMode,
    clock: context.clock,
    ...(context.interrupts ? { interrupts: context.interrupts } : {}),
    ...(baseUrls ? { baseUrls } : {}),
  });
  const common: CommonOptions = { sources: options.data.sources, limit: options.data.limit };
  if (watching && context.terminal && offScreen) {
    context.afterOutput(() => session.close());
    const { watchData } = await import('./watch/watch-data.js');
    return watchData({
      definition,
      context,
      options,
      session,
      common,
      env,
      terminal: await context.terminal(),
      offScreen,
      ...(demo ? { demoStreamUrl: () => demo.streamUrl() } : {}),
    });
  }
  const stopInterrupts = session.onInterrupt();
  context.afterOutput(async () => {
    stopInterrupts();
    await session.close();
  });
  // A shared store the run could not use is degraded (its pacing, budgets and breakers were this
  // machine's alone): --strict exits 3, and says why even under --quiet, which hid the warning.
  context.afterOutput(async () => {
    const fellBack = session.storeFallback();
    if (fellBack === undefined || !options.data.strict) return;
    context.degrade();
    if (settings.quiet) context.stderr.write(`${context.bin}: degraded: ${fellBack}; the file store served this run\n`);
  });
  const screened = await definition.screen(session.runtime, { ...common, ...options.command }).finally(() => session.pending.end());
  // From here on every reader (status lines, JSON, the state file's failure reasons, the log, alerts)
  // sees the redacted text: one pass, whichever source quoted whichever key.
  const result = redactResult(screened, session.redact);
  const demoNote = settings.demo ? definition.demoNote?.(options.command) : undefined;
  if (demoNote) result.notes.push(demoNote);
  const missingKeys = onlyMissingKeys(result.sources);
  if (missingKeys) throw usageError(`no source to run: ${missingKeys} (or try --demo)`);
  const metrics = session.metrics();
  context.afterOutput(() => session.finish({ command: definition.name, metricsFile: options.data.metricsFile, sources: result.sources }));
  const run: DataRun<Row> = {
    result,
    metrics,
    sourceOfHost: sourceOfHost(result.sources, session.hostsOf),
    demo: settings.demo,
    alerts: [],
  };
  const { changes, rules } = options.change;
  if ((changes || rules.length > 0) && runOutcome(result.sources, false) !== 'no-results') {
    await trackAndNotify(definition, context, options, session, run, env);
  }
  return run;
}

/** `--changes` and alerts of a finished run; their memory is saved and notifications sent once the output is out. */
async function trackAndNotify<Records extends readonly OptionRecord<string, unknown>[], Options, Row>(
  definition: DataCommandDefinition<Records, Options, Row>,
  context: CommandContext,
  options: DataCommandOptions<Options>,
  session: RunContext,
  run: DataRun<Row>,
  env: Env,
): Promise<void> {
  const [{ trackRun }, { notifyAlerts, NOTIFY_FAILURES }] = await Promise.all([
    import('./changes/run-tracking.js'),
    import('./notify/notify-alerts.js'),
  ]);
  const { change } = options;
  const tracked = await trackRun({
    command: definition.name,
    rows: run.result.results,
    nowMs: Date.parse(run.result.generatedAt),
    changes: change.changes,
    rules: change.rules,
    memoryKey: change.memoryKey,
    fields: await definition.ruleFields(),
    identity: definition.identity,
    memory: session.memory,
  });
  if (tracked.changes) run.changes = tracked.changes;
  run.alerts = tracked.alerts;
  const warn = (message: string): void => {
    if (!context.settings.quiet) context.stderr.write(`warning: ${message}\n`);
  };
  context.afterOutput(async () => {
    const delivered = await notifyAlerts({
      command: definition.name,
      generatedAt: run.result.generatedAt,
      alerts: tracked.alerts,
      labelKey: definition.identity.labelKey,
      targets: change,
      http: () => session.poster(),
      timeoutMs: context.settings.timeoutMs,
      maxRetries: context.settings.maxRetries,
      env: context.env,
      secrets: apiKeysIn(env),
      // An alert that did not arrive is never silent: even --quiet prints this line.
      alarm: (message) => context.stderr.write(`warning: ${message}\n`),
      logger: session.logger,
      memory: session.memory,
      count: (channel, failures) => session.monitor.increment(NOTIFY_FAILURES, failures, { channel }),
    });
    if (delivered.failed.length > 0 && options.data.strict) context.degrade();
    try {
      await tracked.save();
    } catch (error) {
      // The answer is printed; the next run compares with an older one. Worth a warning, not a failure.
      warn(`could not save what --changes and alerts compare with: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/**
 * The config file's section for the command, as settings for `resolveOptions`: every key must be
 * one of the command's options (by its long flag without the dashes), except `--alert`, whose
 * rules go in `[alerts]`, and `--watch`, which needs a terminal and so cannot be a default.
 */
function commandSettings(
  config: ConfigFile | undefined,
  name: 'crypto' | 'news' | 'market',
  records: readonly OptionRecord<string, unknown>[],
): ConfigSettings | undefined {
  if (!config) return undefined;
  const section = config.section(name);
  const known = new Set(records.map(configName));
  for (const key of Object.keys(section)) {
    const label = config.label(name, key);
    if (key === 'alert') throw usageError(`${label}: alert rules go in the [alerts] section, as ${name} = ["…"]`);
    if (key === 'watch') throw usageError(`${label}: watch needs a terminal, so it cannot be a default`);
    if (!known.has(key)) throw usageError(`${label}: not an option of screen ${name} (use its long name without the dashes, like limit)`);
  }
  return { get: (key) => section[key], label: (key) => config.label(name, key) };
}

/** One setting of a data command as the config file and environment leave it (no flags), for `screen config show`. */
export interface SettingInForce {
  /** The config file's name for it (the long flag without dashes). */
  name: string;
  /** The resolved value; undefined when not set and without a default. */
  value: unknown;
  /** As written where it came from (the config file's value, the variable's text), or the default as help shows it. */
  text: string | undefined;
  from: ValueSource;
}

/**
 * What a data command's options are without flags: from the environment, the config file, or
 * their defaults; `--watch` and `--alert` are left out (never defaults).
 * @throws QahtError QAHT_ERR_USAGE for a bad setting in the file (its line named).
 */
export function settingsInForce(
  name: 'crypto' | 'news' | 'market',
  records: readonly OptionRecord<string, unknown>[],
  env: Env,
  config: ConfigFile | undefined,
): SettingInForce[] {
  const settings = commandSettings(config, name, records);
  const shown = records.filter((record) => record.key !== 'watch' && record.key !== 'alerts');
  const { values, sources } = resolveOptions(shown, {}, env, settings);
  const byKey = values as Record<string, unknown>;
  return shown.map((record) => {
    const from = sources[record.key] ?? 'default';
    const raw = from === 'config' ? settings?.get(configName(record)) : from === 'env' ? env[record.env!] : undefined;
    let value = byKey[record.key];
    let text =
      record.type === 'switch' ? String(value) : raw === undefined ? defaultText(record) : Array.isArray(raw) ? raw.join(',') : String(raw);
    // A webhook URL carries its token: shown redacted, like everywhere else.
    if (record.key === 'webhook' && typeof value === 'string') text = value = redactUrl(value, secretsInWebhookUrl(value));
    return { name: configName(record), value, text, from };
  });
}

function findWatchlist(name: string | undefined, config: ConfigFile | undefined, configPath: string | undefined): Watchlist | undefined {
  if (name === undefined) return undefined;
  if (!config) throw usageError(`--watchlist ${name}: there is no config file at ${configPath ?? 'its default place'}`);
  const entries = config.watchlists[name];
  if (!entries) {
    const names = Object.keys(config.watchlists);
    throw usageError(
      `--watchlist ${name}: no such list in ${config.path}${names.length ? ` (lists: ${names.slice(0, 10).join(', ')})` : ''}`,
    );
  }
  return { entries, label: config.label('watchlists', name) };
}

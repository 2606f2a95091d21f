import type { CommandResult, SourceReport } from '../commands/command-result.js';
import type { CommonOptions } from '../commands/runtime.js';
import { CRYPTO_SOURCES, hostsFor, MARKET_SOURCES, NEWS_SOURCES, type SourceName } from '../sources/source-names.js';
import { sanitizeText } from '../output/sanitize.js';
import { EXIT, exitCodeForRun } from './exit-codes.js';
import { parsePositiveInt, parseSourceList, usageError } from './parse-values.js';
import type { Invocation } from './program.js';
import { resolveRunSettings, type RunSettings } from './settings.js';
import { chalkFor, terminalWidth, type CliIo } from './terminal.js';

type DataInvocation = Extract<Invocation, { kind: 'data' }>;

const SOURCES_BY_COMMAND: Record<DataInvocation['command'], readonly SourceName[]> = {
  crypto: CRYPTO_SOURCES,
  news: NEWS_SOURCES,
  market: MARKET_SOURCES,
};

/**
 * One data run: validate flags, build the runtime, run the command, print results to stdout and
 * the status lines plus timing summary to stderr, persist state, and pick the exit code.
 */
export async function runDataCommand(invocation: DataInvocation, io: CliIo): Promise<number> {
  const raw = invocation.options;
  const settings = resolveRunSettings(raw, io.env);
  const common = resolveCommonOptions(invocation);
  if (raw.json && raw.csv) throw usageError('--json and --csv cannot be combined');
  const commandOptions = await resolveCommandOptions(invocation, io.env);

  const metricsFile = typeof raw.metricsFile === 'string' ? raw.metricsFile : undefined;
  // Checked before any fetch: a typo in a cron line should not cost a run's API budget.
  if (metricsFile) await checkWritableParent('--metrics-file', metricsFile);

  const demo = raw.demo ? await (await import('../demo/demo-server.js')).startDemoServer() : undefined;
  try {
    return await runWithDemoEnv(invocation, io, settings, common, commandOptions, metricsFile, demo?.env);
  } finally {
    await demo?.close();
  }
}

async function runWithDemoEnv(
  invocation: DataInvocation,
  io: CliIo,
  settings: RunSettings,
  common: CommonOptions,
  commandOptions: object,
  metricsFile: string | undefined,
  demoEnv: Record<string, string> | undefined,
): Promise<number> {
  const raw = invocation.options;
  const env = demoEnv ? { ...io.env, ...demoEnv } : io.env;
  const { createRunContext } = await import('./run-context.js');
  const context = await createRunContext({
    settings,
    env,
    stderr: io.stderr,
    interactive: io.stderr.isTTY === true,
    mode: raw.offline === true ? 'offline' : raw.forceRefresh === true ? 'force-refresh' : 'normal',
  });
  const stopSignals = context.onInterrupt();
  try {
    const result = await runCommand(invocation.command, context.runtime, { ...common, ...commandOptions });
    const missingKeys = onlyMissingKeys(result.sources);
    if (missingKeys) throw usageError(`no source to run: ${missingKeys} (or try --demo)`);
    // One snapshot for the JSON document and the stderr summary, so both report the same run.
    const metrics = context.metrics();
    await printResult(result, raw, io, metrics);
    const code = exitCodeForRun(result.sources, raw.strict === true);
    if (!settings.quiet) await printStderrReport(result, io, env, settings.color, metrics);
    if (code === EXIT.noResults) {
      const hint = raw.demo ? '' : ' (no network here? `--demo` runs on bundled recordings)';
      io.stderr.write(`screen: no results: every source failed and no cache could serve${hint}\n`);
    }
    await context.finish({ metricsFile, sources: result.sources });
    return code;
  } finally {
    stopSignals();
    await context.close();
  }
}

/**
 * When every source was skipped for want of a key (e.g. `--sources coincap` without
 * COINCAP_API_KEY), the run is a configuration error, not an outage: the reasons, joined.
 */
function onlyMissingKeys(sources: SourceReport[]): string | undefined {
  const keyless = sources.filter((s) => s.status === 'skipped' && / is not set$/.test(s.error ?? ''));
  const others = sources.filter((s) => s.status !== 'skipped');
  return keyless.length > 0 && others.length === 0 ? keyless.map((s) => s.error).join('; ') : undefined;
}

async function checkWritableParent(flag: string, path: string): Promise<void> {
  const { access, constants } = await import('node:fs/promises');
  const { dirname, resolve } = await import('node:path');
  try {
    await access(dirname(resolve(path)), constants.W_OK);
  } catch {
    throw usageError(`${flag}: cannot write to the folder of ${path}`);
  }
}

function resolveCommonOptions(invocation: DataInvocation): CommonOptions {
  const raw = invocation.options;
  if (raw.offline && raw.forceRefresh) throw usageError('--offline and --force-refresh cannot be combined');
  return {
    sources:
      typeof raw.sources === 'string'
        ? parseSourceList(raw.sources, SOURCES_BY_COMMAND[invocation.command], invocation.command)
        : undefined,
    limit: typeof raw.limit === 'string' ? parsePositiveInt('--limit', raw.limit) : undefined,
  };
}

async function resolveCommandOptions(invocation: DataInvocation, env: NodeJS.ProcessEnv): Promise<object> {
  switch (invocation.command) {
    case 'crypto':
      return (await import('./crypto-options.js')).toCryptoOptions(invocation.options);
    case 'news':
      return (await import('./news-options.js')).toNewsOptions(invocation.args, invocation.options, env);
    case 'market':
      return (await import('./market-options.js')).toMarketOptions(invocation.args, invocation.options);
  }
}

async function runCommand(
  command: DataInvocation['command'],
  runtime: import('../commands/runtime.js').Runtime,
  options: CommonOptions & object,
): Promise<CommandResult<unknown>> {
  switch (command) {
    case 'crypto': {
      const { runCrypto } = await import('../commands/crypto.js');
      return (await runCrypto(runtime, options as never)) as CommandResult<unknown>;
    }
    case 'news': {
      const { runNews } = await import('../commands/news.js');
      return (await runNews(runtime, options as never)) as CommandResult<unknown>;
    }
    case 'market': {
      const { runMarket } = await import('../commands/market.js');
      return (await runMarket(runtime, options as never)) as CommandResult<unknown>;
    }
  }
}

async function printResult(result: CommandResult<unknown>, raw: Record<string, unknown>, io: CliIo, metrics: unknown): Promise<void> {
  if (raw.json) {
    const { renderJson } = await import('../output/render-json.js');
    io.stdout.write(renderJson(result, metrics));
    return;
  }
  if (raw.csv) {
    const { renderCsv } = await import('../output/render-csv.js');
    io.stdout.write(renderCsv(result.results, result.columns));
    return;
  }
  if (result.results.length === 0) return;
  const { renderTable } = await import('../output/render-table.js');
  const chalk = chalkFor(io.stdout, io.env, raw.color !== false);
  io.stdout.write(`${await renderTable(result.results, result.columns, { width: terminalWidth(io.stdout, io.env), chalk })}\n`);
}

/** Which of this run's sources uses each host (a host shared by several, as in tests, names the first). */
function sourceOfHost(sources: SourceReport[], env: NodeJS.ProcessEnv): Map<string, string> {
  const map = new Map<string, string>();
  for (const { name } of sources) {
    for (const host of hostsFor(name, env)) if (!map.has(host)) map.set(host, name);
  }
  return map;
}

async function printStderrReport(
  result: CommandResult<unknown>,
  io: CliIo,
  env: NodeJS.ProcessEnv,
  color: boolean,
  metrics: unknown,
): Promise<void> {
  const [{ renderStatusLines }, { renderTimingSummary }] = await Promise.all([
    import('../output/status-lines.js'),
    import('../output/timing-summary.js'),
  ]);
  const chalk = chalkFor(io.stderr, io.env, color);
  const lines = [
    ...renderStatusLines(result.sources, chalk),
    ...result.notes.map((note) => sanitizeText(note)),
    ...renderTimingSummary(metrics as Parameters<typeof renderTimingSummary>[0], chalk, sourceOfHost(result.sources, env)),
  ];
  io.stderr.write(`${lines.join('\n')}\n`);
}

import type { OptionRecord } from '../../../options/option-record.js';
import { type FrameCells, renderWatchFrame } from '../../../output/watch-frame.js';
import type { CommandResult } from '../../../report.js';
import type { FiredAlert } from '../../../screens/alerts/alert-states.js';
import type { Env, SourceName } from '../../../sources/source-names.js';
import { apiKeysIn } from '../../../sources/source-names.js';
import { AlertTracker } from '../changes/run-tracking.js';
import type { CommandContext, WatchTerminal } from '../../command-spec.js';
import type { DataCommandDefinition, DataCommandOptions, DataRun } from '../definition.js';
import { onlyMissingKeys, redactResult, sourceOfHost } from '../report.js';
import { describeAlert } from '../notify/alert-payload.js';
import { NOTIFY_FAILURES, notifyAlerts } from '../notify/notify-alerts.js';
import type { RunContext } from '../../../runtime/run-context.js';
import type { CommonOptions } from '../../../runtime/runtime.js';
import { usageError } from '../../../options/parse-values.js';
import type { CapturedStream } from './captured-stream.js';
import { runWatchLoop } from './watch-loop.js';
import { startWatchPrices } from './watch-prices.js';

/** Most footer lines: the latest warning and the latest alerts. */
const FOOTER_ALERTS = 3;
/** Keys that page the table: ↑/↓ (and k/j) a row, PgUp/PgDn (and space-less b/f) a screen. */
const PAGING_KEYS: Readonly<Record<string, number | 'page' | '-page'>> = {
  '\u001b[A': -1,
  '\u001bOA': -1,
  k: -1,
  '\u001b[B': 1,
  '\u001bOB': 1,
  j: 1,
  '\u001b[5~': '-page',
  b: '-page',
  '\u001b[6~': 'page',
  f: 'page',
};

/**
 * `--watch`: one long-lived run context (its breakers and limiters stay in memory between
 * refreshes), a refresh every interval (`--watch SECONDS`, else the sources' shortest TTL) that
 * screens through the cache, checks the alert rules (notifying as a single run would), records
 * the outcome and saves state; each refresh redrawn in place. When the loop ends the context is
 * closed (state persisted) by the command's deferred work; what was written to stderr meanwhile
 * is printed after the terminal is restored.
 */
export async function watchData<Records extends readonly OptionRecord<string, unknown>[], Options, Row>(input: {
  definition: DataCommandDefinition<Records, Options, Row>;
  context: CommandContext;
  options: DataCommandOptions<Options>;
  session: RunContext;
  common: CommonOptions;
  env: Env;
  terminal: WatchTerminal;
  offScreen: CapturedStream;
  /** `--demo`: the URL of the demo's live-price stream, started on first call. */
  demoStreamUrl?: () => Promise<string>;
}): Promise<DataRun<Row>> {
  const { definition, context, options, session, terminal, offScreen } = input;
  const { clock } = context;
  const screenOptions = { ...input.common, ...options.command };
  const watch = options.change.watch;
  const intervalMs = watch === 'default' || watch === undefined ? definition.watchIntervalMs(screenOptions, clock.now()) : watch;
  const tracker =
    options.change.rules.length > 0
      ? new AlertTracker({
          command: definition.name,
          rules: options.change.rules,
          fields: await definition.ruleFields(),
          identity: definition.identity,
          memory: session.memory,
        })
      : undefined;
  const notifications = new Set<Promise<void>>();
  const warn = (message: string): void => {
    offScreen.write(`warning: ${message}\n`);
  };
  let result: CommandResult<Row, SourceName> | undefined;
  let previous: FrameCells | undefined;
  let shown: FrameCells | undefined;
  let refreshes = 0;
  let recent: FiredAlert[] = [];

  // The data changes only as often as the sources' cache lets it: a shorter interval redraws the same answer.
  const dataIntervalMs = Math.max(intervalMs, definition.watchIntervalMs(screenOptions, clock.now()));
  // Paging: the first row shown, and how many the last frame had room for.
  let offset = 0;
  let pageRows = 1;
  const refresh = async (force: boolean): Promise<void> => {
    const runtime = force ? { ...session.runtime, cache: session.cacheView('force-refresh') } : session.runtime;
    const next = redactResult(await definition.screen(runtime, screenOptions), session.redact);
    const missingKeys = onlyMissingKeys(next.sources);
    if (missingKeys) throw usageError(`no source to run: ${missingKeys} (or try --demo)`);
    result = next;
    refreshes++;
    previous = shown;
    if (tracker) {
      const fired = await tracker.step(next.results, Date.parse(next.generatedAt));
      if (fired.length > 0) {
        recent = fired;
        const sending = notifyAlerts({
          command: definition.name,
          generatedAt: next.generatedAt,
          alerts: fired,
          labelKey: definition.identity.labelKey,
          targets: options.change,
          http: () => session.poster(),
          timeoutMs: context.settings.timeoutMs,
          maxRetries: context.settings.maxRetries,
          env: context.env,
          secrets: apiKeysIn(input.env),
          alarm: warn,
          logger: session.logger,
          memory: session.memory,
          count: (channel, failures) => session.monitor.increment(NOTIFY_FAILURES, failures, { channel }),
        }).then(() => undefined);
        notifications.add(sending);
        void sending.finally(() => notifications.delete(sending));
      }
    }
    try {
      await session.finish({ command: definition.name, metricsFile: options.data.metricsFile, sources: next.sources });
      await session.save();
      await tracker?.save();
    } catch (error) {
      warn(`could not save state: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  type LoopState = { refreshing: boolean; nextAtMs: number | undefined };
  let loopState: LoopState | undefined;
  let drawing: Promise<void> = Promise.resolve();
  // crypto's prices move between refreshes with Binance's stream (a redraw at most once a second),
  // unless --sources leaves Binance out.
  const live =
    definition.name === 'crypto' && (input.common.sources?.includes('binance') ?? true)
      ? startWatchPrices({
          env: input.demoStreamUrl ? { ...input.env, SCREEN_BINANCE_WS_URL: await input.demoStreamUrl() } : input.env,
          clock,
          breakerFor: session.breakerFor,
          redraw: () => {
            const state = loopState;
            if (state && result) drawing = drawing.then(() => drawFrame(state, true)).catch(() => undefined);
          },
        })
      : undefined;

  const draw = (state: LoopState): Promise<void> => {
    loopState = state;
    drawing = drawing.then(() => drawFrame(state, false));
    return drawing;
  };

  const drawFrame = async (state: LoopState, pricesOnly: boolean): Promise<void> => {
    const warnings = offScreen.warnings();
    const footer = [
      ...recent.slice(0, FOOTER_ALERTS).map((alert) => `alert: ${alert.label} (${describeAlert(alert)})`),
      ...(warnings.length > 0 ? [warnings[warnings.length - 1]!] : []),
    ];
    const shownResult = result && live ? live.apply(result, clock.now()) : result;
    const frame = await renderWatchFrame({
      command: definition.name,
      result: shownResult,
      columns: shownResult ? definition.columns(shownResult, { terminal: true }) : [],
      rowId: definition.identity.id,
      previous,
      size: terminal.size(),
      chalk: terminal.chalk,
      intervalMs,
      dataIntervalMs,
      offset,
      nextAtMs: state.refreshing ? undefined : state.nextAtMs,
      refreshes,
      footer,
    });
    // Only a frame with rows is what the next refresh compares with (not the "waiting" one, nor a price move).
    if (result && !pricesOnly) shown = frame.cells;
    offset = frame.offset;
    pageRows = frame.pageRows;
    terminal.draw(frame.frame);
  };
  const onKey = (key: string): boolean => {
    const step = PAGING_KEYS[key];
    if (step === undefined) return false;
    offset = Math.max(0, offset + (step === 'page' ? pageRows : step === '-page' ? -pageRows : step));
    return true;
  };

  try {
    await runWatchLoop({ terminal, clock, intervalMs, interrupts: context.interrupts, refresh, draw, onKey });
  } finally {
    await live?.stop();
  }
  await Promise.all(notifications);
  const lines = offScreen.lines();
  const empty: CommandResult<Row, SourceName> = {
    command: definition.name,
    generatedAt: new Date(clock.now()).toISOString(),
    sources: [],
    results: [],
    notes: [],
  };
  return {
    result: result ?? empty,
    metrics: session.metrics(),
    sourceOfHost: sourceOfHost(result?.sources ?? [], session.hostsOf),
    demo: context.settings.demo,
    alerts: [],
    watched: { stderr: lines.length > 0 ? `${lines.join('\n')}\n` : '' },
  };
}

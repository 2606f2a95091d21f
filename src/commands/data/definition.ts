/**
 * What a data command (crypto, news, market) is made of, and what one of its runs gives: the
 * shapes the pipeline (spec.ts) and its features (changes/, watch/) share.
 */
import type { DataRunOptions } from '../../options/data-options.js';
import type { OptionRecord, OptionValues } from '../../options/option-record.js';
import type { ColumnSpec } from '../../output/column-spec.js';
import type { PerformanceStats } from '../../perf/performance-monitor.js';
import type { CommandResult } from '../../report.js';
import type { CommonOptions, Runtime } from '../../runtime/runtime.js';
import type { FiredAlert } from '../../screens/alerts/alert-states.js';
import type { RuleFields } from '../../screens/alerts/rule-fields.js';
import type { SourceName } from '../../sources/source-names.js';
import type { ArgumentRecord, RenderView } from '../command-spec.js';
import type { ChangeSettings } from './changes/change-settings.js';
import type { ChangeReport, RowIdentity } from './changes/run-tracking.js';

/**
 * The per-host timing block, or one line: the block for a log or a pipe (cron mails it whole),
 * with `--timing`, or at `--log-level info` and more; a person at a terminal gets one line.
 */
export function detailedTiming(view: RenderView, timing: boolean): boolean {
  return !view.stderr.terminal || timing || view.stderr.verbose;
}

/** A config file list named by `--watchlist`, for a command's `parse`. */
export interface Watchlist {
  entries: readonly string[];
  /** How a message names it: `<config path>:<line>: [watchlists] majors`. */
  label: string;
}

/** What makes one data command (crypto, news, market) different from the others. */
export interface DataCommandDefinition<Records extends readonly OptionRecord<string, unknown>[], Options, Row> {
  name: CommandResult<Row>['command'];
  /** The sources `--sources` may name. */
  sources: readonly SourceName[];
  /** `--limit` when not given. */
  defaultLimit: number;
  args?: readonly ArgumentRecord[];
  /** The command's own options; the data options (`dataOptions`, `changeOptions`) are added to them. */
  options: Records;
  /**
   * The command's options from its records' values, the positional arguments and the config
   * file's list that `--watchlist` names (crypto symbols, market tickers, news queries).
   * @throws QahtError QAHT_ERR_USAGE
   */
  parse(values: OptionValues<Records>, args: readonly string[], watchlist: Watchlist | undefined): Options;
  /** Fetches and screens. Never throws for a source's failure: that goes into its report. */
  screen(rt: Runtime, options: CommonOptions & Options): Promise<CommandResult<Row, SourceName>>;
  /**
   * Table and CSV columns for a result; `table.terminal` says the table goes to a terminal (off
   * one, nothing a program reads next, such as a URL, is cut).
   */
  columns(result: CommandResult<Row>, table: { terminal: boolean }): ColumnSpec<Row>[];
  /** Under `--demo`: a note when the demo has no samples for what was asked (a news query). */
  demoNote?(options: Options): string | undefined;
  /** An `--alert` rule on this command's fields, for its help. */
  alertExample: string;
  /** A stderr line under the table saying what its abbreviations mean (not for JSON or CSV). */
  legend?: string;
  /** A row's identity across runs (`--changes`, alerts) and the label JSON gives as `symbol` or `title`. */
  identity: RowIdentity<Row>;
  /** The result fields alert rules may name (loaded only by a run that has rules). */
  ruleFields(): Promise<RuleFields<Row>>;
  /** `--watch`'s interval when none is given: the shortest cache TTL of the sources the options use, ms. */
  watchIntervalMs(options: CommonOptions & Options, nowMs: number): number;
}

export interface DataCommandOptions<Options> {
  data: DataRunOptions;
  change: ChangeSettings;
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
  /** What `--changes` found (unset without it). */
  changes?: ChangeReport;
  /** Alerts that fired in this run. */
  alerts: FiredAlert[];
  /** Set for a `--watch` run: it drew on the terminal, and this is what it kept off the screen for stderr. */
  watched?: { stderr: string };
}

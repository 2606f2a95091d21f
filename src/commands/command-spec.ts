import type { ChalkInstance } from 'chalk';
import type { ConfigFile } from '../options/config-file.js';
import type { OptionRecord } from '../options/option-record.js';
import type { RawValues } from '../options/resolve-options.js';
import type { RunSettings } from '../options/run-options.js';
import type { OutputStream } from '../output/output-stream.js';
import type { Env } from '../sources/source-names.js';
import type { Clock } from '../time/clock.js';
import type { Interrupts } from '../runtime/interrupts.js';

export type { InterruptSignal, Interrupts } from '../runtime/interrupts.js';

/**
 * One command as data, one per command folder (`commands/<name>/spec.ts`), imported lazily by the CLI: its
 * positional arguments and option records (commander and `--help` are built from them), `parse`
 * (command line → typed options), `run` (the work) and `render` (result → text). The CLI does the
 * rest: the run options every command takes, printing, and the exit code.
 *
 * Members are methods so a spec of any options and result type fits the CLI's list of specs.
 */
export interface CommandSpec<Options, Result> {
  /** Positional arguments in commander syntax (`<action>`, `[source]`, `[query...]`). */
  readonly args?: readonly ArgumentRecord[];
  /** The command's own options; the run options (`runOptions`) are added by the CLI. */
  readonly options: readonly OptionRecord<string, unknown>[];
  /**
   * The run options it takes besides its own: `RUN_OPTIONS` unless it makes no request and
   * writes no log (`LOCAL_RUN_OPTIONS`, for `status` and `cache`). @default RUN_OPTIONS
   */
  readonly runOptions?: readonly OptionRecord<string, unknown>[];
  /**
   * A promise only when parsing needs a module a plain run does not load (an alert rule's parser).
   * @throws QahtError QAHT_ERR_USAGE for a bad value, before any work is done.
   */
  parse(input: CommandInput): Options | Promise<Options>;
  /** Never prints: text for the user comes from `render`; stderr is only for progress, warnings and logs. */
  run(context: CommandContext, options: Options): Promise<Result>;
  render(result: Result, options: Options, view: RenderView): Promise<Rendered>;
  /** How the run went, for the exit code. @default 'ok' */
  outcome?(result: Result, options: Options): RunOutcome;
  /**
   * Where the results go instead of stdout (`--output FILE`): the CLI renders them for a file (no
   * colour) and replaces the file atomically, unless the run has no results (exit 1), which
   * leaves it as it was. @default undefined (stdout)
   */
  outputFile?(options: Options): string | undefined;
  /** The command reads the config file: the CLI loads it (when there is one) before `parse`. */
  readonly usesConfig?: boolean;
}

export interface ArgumentRecord {
  /** commander syntax: `<name>` required, `[name]` optional, `[name...]` variadic. */
  name: string;
  description: string;
  /** The words it accepts, when there is a fixed set (shell completion offers them). */
  choices?: readonly string[];
}

/** The command line as the CLI parsed it. */
export interface CommandInput {
  /** Positional arguments, in order. */
  args: readonly string[];
  /** Option values as given on the command line, by record key (undefined when absent). */
  raw: RawValues;
  env: Env;
  /** The config file, for a command that `usesConfig` and when there is one. */
  config?: ConfigFile | undefined;
  /** Where the config file is or would be (for messages such as "no watchlist X in <path>"). */
  configPath?: string;
}

/** What a run may use from the world outside the command. */
export interface CommandContext {
  /** The name the user typed (`screen` or `qaht`): messages start with it. */
  bin: string;
  settings: RunSettings;
  env: Env;
  clock: Clock;
  /** For what must appear while the run goes on: progress, warnings and (without `--log-file`) the log. */
  stderr: OutputStream;
  /** Where SIGINT/SIGTERM come from; undefined when nothing can interrupt the run (a test). */
  interrupts: Interrupts | undefined;
  /**
   * Work that must not delay the answer (saving state, writing the metrics file, closing
   * connections): run after the output is printed, or when the run fails, last registered first.
   */
  afterOutput(task: () => Promise<void>): void;
  /**
   * Marks the run degraded after its output was printed (an alert that could not be delivered, a
   * store that fell back): an exit 0 becomes 3. Only call it under `--strict`.
   */
  degrade(): void;
  /** The terminal `--watch` draws on, when stdout is one (made, and its module loaded, on demand); undefined otherwise. */
  terminal?: (() => Promise<WatchTerminal>) | undefined;
}

/**
 * A terminal a run redraws in place (`--watch`): the CLI makes it from its stdout and stdin.
 * `open` switches to the alternate screen with the cursor hidden and keys read one at a time;
 * `close` puts everything back as it was (it is safe to call twice).
 */
export interface WatchTerminal {
  /** Colours for the frames (level 0 on a terminal that has none, or under `--no-color`). */
  readonly chalk: ChalkInstance;
  /** Size now, in character cells. */
  size(): { columns: number; rows: number };
  open(): void;
  /** Replaces what the screen shows with `frame` (lines joined by "\n"). */
  draw(frame: string): void;
  /** Calls `listener` with each key pressed (`q`, `r`, `\u0003` for Ctrl-C); returns the remover. */
  onKey(listener: (key: string) => void): () => void;
  close(): void;
}

/** How output is to be drawn. */
export interface RenderView {
  /** The name the user typed (`screen` or `qaht`): messages start with it. */
  bin: string;
  /** `--quiet`: nothing on stderr but errors. */
  quiet: boolean;
  /**
   * Colours for stdout (a level-0 chalk draws none) and the width its tables must fit, in columns:
   * `widthColumns` for results (200 without a terminal), `reportWidthColumns` for what a person
   * reads (`status`, `cache ls`: 80 without a terminal). `terminal`: stdout is a terminal (not a
   * pipe or `--output` file): what a program reads next (keys, URLs) is never cut off elsewhere.
   * `links`: OSC 8 hyperlinks are wanted (a terminal, not `TERM=dumb`, not `--no-links`).
   */
  stdout: { chalk: ChalkInstance; widthColumns: number; reportWidthColumns: number; terminal: boolean; links: boolean };
  /**
   * `terminal`: stderr is a terminal (a person reads it: short summaries, human log lines);
   * `verbose`: `--log-level` is info or more (the long forms of what is shortened there).
   */
  stderr: { chalk: ChalkInstance; terminal: boolean; verbose: boolean };
}

/** A command's output: results on stdout, everything else on stderr. Either may be empty. */
export interface Rendered {
  stdout: string;
  stderr: string;
}

/** `ok`: results (maybe partial or stale); `degraded`: so, under `--strict`; `no-results`: nothing could be served. */
export type RunOutcome = 'ok' | 'degraded' | 'no-results';

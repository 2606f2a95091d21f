import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_DEFAULTS } from '../http/client-options.js';
import { LOG_LEVELS, type LogLevel } from '../output/logger.js';
import type { Env } from '../sources/source-names.js';
import { DEFAULT_STORE_PREFIX, type StoreLocation } from '../store/store-location.js';
import { defineOption, type OptionRecord, switchOption, type ValueSource } from './option-record.js';
import { choice, integer } from './parse-values.js';

/** `--deadline-ms` when not given: no wait of a run lasts longer than 30 s. */
export const DEFAULT_DEADLINE_MS = 30_000;
import { outputFile, pathValue } from './path-value.js';
import { parseStorePrefix, type StoreUrl, storeUrl } from './store-value.js';
import { type RawValues, resolveOptions } from './resolve-options.js';

/** Longest per-request timeout, retry backoff or pacing delay accepted: ten minutes. */
const MAX_MS = 600_000;

/** Options that shape how any run behaves; every command takes them. */
export const RUN_OPTIONS = [
  defineOption({
    key: 'cacheDir',
    flags: '--cache-dir <dir>',
    description: 'cache and state directory (both in one)',
    env: 'SCREEN_CACHE_DIR',
    defaultLabel: "a checkout's cache/, else the XDG cache and state dirs",
    ...pathValue(),
  }),
  switchOption(
    'demo',
    '--demo',
    "run on bundled sample responses in each API's shape, served on loopback, no network; they keep their own cache and state",
  ),
  switchOption('quiet', '--quiet', 'nothing on stderr but errors'),
  defineOption({
    key: 'logLevel',
    flags: '--log-level <level>',
    description: 'pino level for the JSON log on stderr',
    env: 'LOG_LEVEL',
    default: 'warn',
    defaultLabel: 'warn (error with --quiet)',
    ...choice(LOG_LEVELS),
  }),
  defineOption({
    key: 'logFile',
    flags: '--log-file <path>',
    description: 'append the JSON log to this file instead of stderr',
    ...outputFile('log'),
  }),
  switchOption('color', '--no-color', 'no colour in tables and status lines'),
  switchOption('links', '--no-links', 'no OSC 8 hyperlinks on a terminal (news titles and URLs, status source names)'),
  defineOption({
    key: 'timeoutMs',
    flags: '--timeout-ms <ms>',
    description: 'per-request timeout in ms',
    env: 'SCREEN_TIMEOUT_MS',
    default: CLIENT_DEFAULTS.timeoutMs,
    ...integer(1, MAX_MS),
  }),
  defineOption({
    key: 'deadlineMs',
    flags: '--deadline-ms <ms>',
    description:
      'longest a run waits for a pacing slot, a Retry-After or an open breaker; past it the source is reported at once (news keeps its own)',
    env: 'SCREEN_DEADLINE_MS',
    default: DEFAULT_DEADLINE_MS,
    ...integer(1, MAX_MS),
  }),
  defineOption({
    key: 'maxRetries',
    flags: '--max-retries <n>',
    description: 'retries after a failed request',
    env: 'SCREEN_MAX_RETRIES',
    default: CLIENT_DEFAULTS.maxRetries,
    ...integer(0, 10),
  }),
  defineOption({
    key: 'paceMs',
    flags: '--pace-ms <ms>',
    description: "every host's starting delay between requests in ms instead of its API's documented rate, for tests and private mirrors",
    env: 'SCREEN_PACE_MS',
    defaultLabel: "the API's documented rate",
    ...integer(0, MAX_MS),
  }),
  defineOption({
    key: 'retryBaseMs',
    flags: '--retry-base-ms <ms>',
    description: 'first retry backoff in ms, doubling each retry',
    env: 'SCREEN_RETRY_BASE_MS',
    default: CLIENT_DEFAULTS.retryBaseDelayMs,
    ...integer(0, MAX_MS),
  }),
  defineOption({
    key: 'config',
    flags: '--config <path>',
    description: 'config file: per-command defaults, watchlists, alert rules (optional at its default place)',
    env: 'SCREEN_CONFIG',
    defaultLabel: '$XDG_CONFIG_HOME/qaht/config.toml',
    ...pathValue(),
  }),
  defineOption({
    key: 'store',
    flags: '--store <url>',
    description:
      'where resilience state and cached responses live: file: (the cache dir) or redis://[user:pass@]host:port[/db] (rediss:// for TLS), shared by every process that uses it',
    env: 'SCREEN_STORE_URL',
    default: { kind: 'file' } as StoreUrl,
    defaultLabel: 'file:',
    ...storeUrl(),
  }),
  defineOption({
    key: 'storePrefix',
    flags: '--store-prefix <prefix>',
    description:
      'the start of every key in a shared Redis, so several teams or setups can share one (1–64 printable characters, no spaces)',
    env: 'SCREEN_STORE_PREFIX',
    default: DEFAULT_STORE_PREFIX,
    type: 'text',
    parse: parseStorePrefix,
  }),
] as const;

/** The keys of the run options a command that makes no request to an API (`status`, `cache`) takes. */
const LOCAL_KEYS: ReadonlySet<string> = new Set(['cacheDir', 'store', 'storePrefix', 'demo', 'quiet', 'color', 'links']);

/**
 * The run options of a command that makes no request to an API and writes no log (`status`,
 * `cache`): where the cache and the store are, `--demo`, `--quiet`, `--no-color` and `--no-links`. Its help
 * lists only these, and the others keep their defaults whatever the environment says.
 */
export const LOCAL_RUN_OPTIONS: readonly OptionRecord<string, unknown>[] = RUN_OPTIONS.filter((record) => LOCAL_KEYS.has(record.key));

/** Run-wide settings, resolved once from flags > environment > defaults. */
export interface RunSettings {
  /** Where cached responses live. Absolute; `<dir>/demo` under `--demo`, whose recordings must never pass for real data. */
  cacheDir: string;
  /**
   * Where resilience state lives (breakers, limiters, budgets, source history, and what is kept
   * beside them, such as locks and last results). The cache dir unless the package is installed
   * (`$XDG_STATE_HOME/qaht`). Absolute; `<dir>/demo` under `--demo`.
   */
  stateDir: string;
  demo: boolean;
  quiet: boolean;
  logLevel: LogLevel;
  logFile: string | undefined;
  color: boolean;
  /** Hyperlinks (OSC 8) where a terminal shows them; `--no-links` turns them off. */
  links: boolean;
  /** Per attempt, ms. */
  timeoutMs: number;
  /** `--deadline-ms`: no wait of the run (pacing slot, Retry-After, open breaker) lasts longer, ms. */
  deadlineMs: number;
  maxRetries: number;
  /** First retry backoff, ms. */
  retryBaseMs: number;
  /** Overrides every host's documented starting delay when set, ms. */
  paceMs: number | undefined;
  /** Where the config file is (read by the commands that use it). */
  config: ConfigLocation;
  /** `--store`: the file store (cache dir) or a shared Redis, with `--store-prefix`. */
  store: StoreLocation;
}

/**
 * The run settings of a command line (`raw`: commander's values by record key) for a command that
 * takes the run options `taken` (`CommandSpec.runOptions`).
 * @throws QahtError QAHT_ERR_USAGE for a bad value.
 */
export function resolveRunSettings(raw: RawValues, env: Env, taken: readonly OptionRecord<string, unknown>[] = RUN_OPTIONS): RunSettings {
  // An option the command does not take keeps its default: its variable cannot fail the command.
  const all: readonly OptionRecord<string, unknown>[] = RUN_OPTIONS;
  const ignored = all.flatMap((record) => (taken.includes(record) || record.env === undefined ? [] : [record.env]));
  const visibleEnv = ignored.length === 0 ? env : Object.fromEntries(Object.entries(env).filter(([name]) => !ignored.includes(name)));
  const { values, sources } = resolveOptions(RUN_OPTIONS, raw, visibleEnv);
  const dirs = storeDirs(values.cacheDir, env);
  return {
    cacheDir: join(dirs.cacheDir, values.demo ? 'demo' : ''),
    stateDir: join(dirs.stateDir, values.demo ? 'demo' : ''),
    demo: values.demo,
    quiet: values.quiet,
    logLevel: quietLevel(values.logLevel, sources.logLevel, values.quiet && values.logFile === undefined),
    logFile: values.logFile,
    color: values.color,
    links: values.links,
    timeoutMs: values.timeoutMs,
    deadlineMs: values.deadlineMs,
    maxRetries: values.maxRetries,
    retryBaseMs: values.retryBaseMs,
    paceMs: values.paceMs,
    config: configLocation(values.config, sources.config ?? 'default', env),
    store: storeLocation(values.store, values.storePrefix, values.demo),
  };
}

/**
 * The parsed `--store` with the key prefix a shared store uses (`--store-prefix`). Under `--demo`
 * every key gets a `demo:` part after it: the demo's recorded prices, history and pacing live in a
 * key space no real run reads.
 */
function storeLocation(store: StoreUrl, prefix: string, demo: boolean): StoreLocation {
  if (store.kind === 'file') return store;
  return { ...store, prefix: demo ? `${prefix}demo:` : prefix };
}

/**
 * --quiet means "nothing on stderr but errors", the JSON log on stderr included, unless a level is
 * asked for. A log that goes to `--log-file` keeps the default level: a cron job's quiet run is
 * exactly the one whose degraded outcomes (at warn) must land in its log.
 */
function quietLevel(level: LogLevel, source: ValueSource | undefined, quietStderrLog: boolean): LogLevel {
  return quietStderrLog && source === 'default' ? 'error' : level;
}

/** Where a run keeps cached responses and resilience state. */
export interface StoreDirs {
  cacheDir: string;
  stateDir: string;
}

/** The package's top-level folder (this file is `dist/options/run-options.js` there). */
const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where cache and state go (README "Where data is kept"): an explicit `--cache-dir`/`SCREEN_CACHE_DIR`
 * holds both (an unwritable one is a usage error later, exit 2). An installed package (one under
 * `node_modules`, as global installs and `npx` are) keeps nothing inside itself: cached responses
 * go to `$XDG_CACHE_HOME/qaht` and state to `$XDG_STATE_HOME/qaht` (`~/.cache`, `~/.local/state`
 * when unset or not absolute, as the XDG spec says). A checkout keeps both in its top-level
 * `cache/`, or the XDG folders when that is not writable.
 */
export function storeDirs(explicit: string | undefined, env: Env, packageRoot: string = PACKAGE_ROOT): StoreDirs {
  if (explicit) {
    const dir = resolve(explicit);
    return { cacheDir: dir, stateDir: dir };
  }
  if (!resolve(packageRoot).split(sep).includes('node_modules')) {
    const packageCache = join(packageRoot, 'cache');
    try {
      mkdirSync(packageCache, { recursive: true, mode: 0o700 });
      accessSync(packageCache, constants.W_OK);
      return { cacheDir: packageCache, stateDir: packageCache };
    } catch {
      // A read-only checkout: the user's folders, as for an installed package.
    }
  }
  return {
    cacheDir: join(xdgBase(env, 'XDG_CACHE_HOME', '.cache'), 'qaht'),
    stateDir: join(xdgBase(env, 'XDG_STATE_HOME', '.local/state'), 'qaht'),
  };
}

/** An XDG base directory: the variable when it holds an absolute path, else its default under the home folder (`HOME`). */
function xdgBase(env: Env, variable: string, fallback: string): string {
  const given = env[variable]?.trim();
  return given && isAbsolute(given) ? given : join(env.HOME?.trim() || homedir(), fallback);
}

/** Where the config file is looked for, and what said so. */
export interface ConfigLocation {
  path: string;
  /** `flag` (`--config`), `env` (`SCREEN_CONFIG`) or `default` (the XDG place). Only the default may be missing. */
  from: ValueSource;
}

/**
 * The config file's place: `--config`, else `SCREEN_CONFIG` (as the run options resolved them),
 * else `$XDG_CONFIG_HOME/qaht/config.toml` (an absolute XDG_CONFIG_HOME only, as the XDG spec
 * says), else `~/.config/qaht/config.toml`.
 */
export function configLocation(explicit: string | undefined, from: ValueSource, env: Env): ConfigLocation {
  if (explicit !== undefined) return { path: resolve(explicit), from };
  const xdg = env.XDG_CONFIG_HOME?.trim();
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME?.trim() || homedir(), '.config');
  return { path: join(base, 'qaht', 'config.toml'), from: 'default' };
}

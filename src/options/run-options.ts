import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_DEFAULTS } from '../http/client-options.js';
import { LOG_LEVELS, type LogLevel } from '../output/logger.js';
import type { Env } from '../sources/source-names.js';
import { DEFAULT_STORE_PREFIX, type StoreLocation } from '../store/store-location.js';
import { defineOption, switchOption, type ValueSource } from './option-record.js';
import { choice, integer } from './parse-values.js';
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
    description: 'cache and state directory',
    env: 'SCREEN_CACHE_DIR',
    defaultLabel: "the package's cache/, else ~/.cache/qaht",
    ...pathValue(),
  }),
  switchOption(
    'demo',
    '--demo',
    'run on bundled recorded API responses served on loopback, no network; they keep their own cache and state',
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
  defineOption({
    key: 'timeoutMs',
    flags: '--timeout-ms <ms>',
    description: 'per-request timeout in ms',
    env: 'SCREEN_TIMEOUT_MS',
    default: CLIENT_DEFAULTS.timeoutMs,
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
] as const;

/** Run-wide settings, resolved once from flags > environment > defaults. */
export interface RunSettings {
  /** Absolute; `<dir>/demo` under `--demo`, whose recordings must never pass for real data. */
  cacheDir: string;
  demo: boolean;
  quiet: boolean;
  logLevel: LogLevel;
  logFile: string | undefined;
  color: boolean;
  /** Per attempt, ms. */
  timeoutMs: number;
  maxRetries: number;
  /** First retry backoff, ms. */
  retryBaseMs: number;
  /** Overrides every host's documented starting delay when set, ms. */
  paceMs: number | undefined;
  /** Where the config file is (read by the commands that use it). */
  config: ConfigLocation;
  /** `--store`: the file store (cache dir) or a shared Redis, with `SCREEN_STORE_PREFIX`. */
  store: StoreLocation;
}

/**
 * The run settings of a command line (`raw`: commander's values by record key).
 * @throws QahtError QAHT_ERR_USAGE for a bad value.
 */
export function resolveRunSettings(raw: RawValues, env: Env): RunSettings {
  const { values, sources } = resolveOptions(RUN_OPTIONS, raw, env);
  return {
    cacheDir: join(resolveCacheDir(values.cacheDir, env), values.demo ? 'demo' : ''),
    demo: values.demo,
    quiet: values.quiet,
    logLevel: quietLevel(values.logLevel, sources.logLevel, values.quiet),
    logFile: values.logFile,
    color: values.color,
    timeoutMs: values.timeoutMs,
    maxRetries: values.maxRetries,
    retryBaseMs: values.retryBaseMs,
    paceMs: values.paceMs,
    config: configLocation(values.config, sources.config ?? 'default', env),
    store: storeLocation(values.store, env),
  };
}

/** The parsed `--store` with the key prefix a shared store uses (`SCREEN_STORE_PREFIX`, blank = default). */
function storeLocation(store: StoreUrl, env: Env): StoreLocation {
  if (store.kind === 'file') return store;
  const raw = env.SCREEN_STORE_PREFIX;
  return { ...store, prefix: raw === undefined || raw.trim() === '' ? DEFAULT_STORE_PREFIX : parseStorePrefix(raw) };
}

/** --quiet means "nothing on stderr but errors", the JSON log included, unless a level is asked for. */
function quietLevel(level: LogLevel, source: ValueSource | undefined, quiet: boolean): LogLevel {
  return quiet && source === 'default' ? 'error' : level;
}

/**
 * An explicit directory is used as given (an unwritable one is a usage error later, exit 2). The
 * default is the package's own `cache/`, or the user cache dir when the package is installed
 * somewhere read-only (a global install).
 */
function resolveCacheDir(explicit: string | undefined, env: Env): string {
  if (explicit) return resolve(explicit);
  const packageCache = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cache');
  try {
    mkdirSync(packageCache, { recursive: true, mode: 0o700 });
    accessSync(packageCache, constants.W_OK);
    return packageCache;
  } catch {
    const base = env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
    return join(base, 'qaht');
  }
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

import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_LEVELS, optionString, parseChoice, parseNonNegativeInt, parsePositiveInt, type LogLevel } from './parse-values.js';

/** Run-wide settings resolved once from flags > environment > defaults. */
export interface RunSettings {
  cacheDir: string;
  quiet: boolean;
  logLevel: LogLevel;
  logFile: string | undefined;
  color: boolean;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  /** Overrides every host's documented starting delay when set. */
  paceMs: number | undefined;
}

type RawOptions = Record<string, unknown>;

/** A non-blank flag or environment value: a blank one means "not set". */
const str = (value: unknown): string | undefined => (optionString(value)?.trim() ? (value as string) : undefined);

export function resolveRunSettings(raw: RawOptions, env: NodeJS.ProcessEnv): RunSettings {
  const timeout = str(raw.timeoutMs) ?? str(env.SCREEN_TIMEOUT_MS);
  const retries = str(raw.maxRetries) ?? str(env.SCREEN_MAX_RETRIES);
  const retryBase = str(raw.retryBaseMs) ?? str(env.SCREEN_RETRY_BASE_MS);
  const pace = str(raw.paceMs) ?? str(env.SCREEN_PACE_MS);
  const level = str(raw.logLevel) ?? str(env.LOG_LEVEL);
  return {
    // --demo keeps its own cache and state (its recordings must never pass for real data).
    cacheDir: join(resolveCacheDir(str(raw.cacheDir) ?? str(env.SCREEN_CACHE_DIR), env), raw.demo === true ? 'demo' : ''),
    quiet: raw.quiet === true,
    // --quiet means "nothing on stderr but errors", the JSON log included, unless a level is asked for.
    logLevel: level ? parseChoice('--log-level', level, LOG_LEVELS) : raw.quiet === true ? 'error' : 'warn',
    logFile: str(raw.logFile),
    color: raw.color !== false,
    timeoutMs: timeout ? parsePositiveInt('--timeout-ms', timeout, 600_000) : 30_000,
    maxRetries: retries ? parseNonNegativeInt('--max-retries', retries, 10) : 3,
    retryBaseMs: retryBase ? parseNonNegativeInt('--retry-base-ms', retryBase, 600_000) : 2000,
    paceMs: pace ? parseNonNegativeInt('--pace-ms', pace, 600_000) : undefined,
  };
}

/**
 * An explicit directory is used as given (an unwritable one is a usage error later, exit 2). The
 * default is the package's own `cache/`, or the user cache dir when the package is installed
 * somewhere read-only (a global install).
 */
function resolveCacheDir(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit) return resolve(explicit);
  const packageCache = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cache');
  try {
    mkdirSync(packageCache, { recursive: true, mode: 0o700 });
    accessSync(packageCache, constants.W_OK);
    return packageCache;
  } catch {
    const base = str(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache');
    return join(base, 'qaht');
  }
}

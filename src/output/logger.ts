import { createRequire } from 'node:module';
import { redactText, redactUrl } from '../redact.js';
import { humanLogLine } from './human-log-line.js';
import type { OutputStream } from './output-stream.js';
import { sanitizeLogText } from './sanitize.js';

/** pino's levels, quietest last; `--log-level` takes one. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The logging surface the core receives (a subset of pino's). */
export interface Logger {
  error(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  info(object: object, message?: string): void;
  debug(object: object, message?: string): void;
  flush(): Promise<void>;
}

const LEVEL_VALUES: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** Header and field paths that carry credentials, censored by pino's redact. */
export const REDACT_PATHS = [
  'apiKey',
  'key',
  'token',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-cg-demo-api-key"]',
  'headers["x-finnhub-token"]',
  'req.headers.authorization',
  '*.apiKey',
  '*.token',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Write JSON lines to this file (appending) instead of stderr. */
  file: string | undefined;
  /** Where the JSON lines go without a file (the process's stderr, or a test's stream). */
  stderr: OutputStream;
  /** Values to scrub from every string logged: every API key of the environment. */
  secrets: readonly string[];
  /**
   * One human line per record on `stderr` (`humanLogLine`) instead of JSON: for a person at a
   * terminal. Ignored with a `file`, which always gets JSON. @default false
   */
  human?: boolean;
}

/**
 * pino JSON logs, created on the first record that passes the level: a run that logs nothing never
 * loads pino. Keys are removed three ways: redact paths for known fields, credential query params
 * in any `url` field, and `redactText` (the literal key values and anything shaped like a
 * credential) on every string. Every string is also cleaned of escape sequences and control
 * characters (`sanitizeLogText`): an API's error body is third-party text like any other.
 */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = LEVEL_VALUES[options.level];
  const secrets = options.secrets;
  let instance: import('pino').Logger | undefined;

  const pinoLogger = (): import('pino').Logger => {
    if (instance) return instance;
    const require = createRequire(import.meta.url);
    const pino = require('pino') as typeof import('pino').default;
    // No mkdir for the file: its path was checked when the options were read, and a missing folder is a typo.
    const destination = options.file
      ? pino.destination({ dest: options.file, append: true, sync: true })
      : // stderr as the CLI writes it (fd-output.ts: synchronous on a pipe or file), or a test's capture.
        { write: (line: string) => void options.stderr.write(line) };
    instance = pino(
      {
        level: options.level,
        base: { name: 'qaht' },
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        formatters: { log: (object) => scrub(object, secrets, '', threshold <= LEVEL_VALUES.debug) as Record<string, unknown> },
      },
      destination,
    );
    return instance;
  };

  const human = options.human === true && !options.file;
  const at =
    (level: 'error' | 'warn' | 'info' | 'debug', value: number) =>
    (object: object, message?: string): void => {
      if (value < threshold) return;
      const text = message === undefined ? undefined : cleanString(message, secrets);
      if (human) {
        const record = scrub(object, secrets, '', false) as Record<string, unknown>;
        options.stderr.write(`${humanLogLine(level, record, text)}\n`);
        return;
      }
      pinoLogger()[level](object, text);
    };

  return {
    error: at('error', 50),
    warn: at('warn', 40),
    info: at('info', 30),
    debug: at('debug', 20),
    flush: () => new Promise<void>((resolve) => (instance ? instance.flush(() => resolve()) : resolve())),
  };
}

/** Deep copy with `url` fields redacted, and secrets and control characters removed from every string. */
export function scrub(value: unknown, secrets: readonly string[], key = '', withStacks = false): unknown {
  if (typeof value === 'string')
    return key === 'url' || /^https?:\/\//.test(value) ? redactUrl(sanitizeLogText(value), secrets) : cleanString(value, secrets);
  if (value instanceof Error) {
    // Stacks are for --log-level debug/trace only (no stack trace reaches the user otherwise: a message is one line).
    const error = {
      type: value.name,
      message: value.message,
      code: (value as { code?: unknown }).code,
      ...(withStacks ? { stack: value.stack } : {}),
    };
    return scrub(error, secrets, '', withStacks);
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets, '', withStacks));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets, k, withStacks)]));
  }
  return value;
}

function cleanString(text: string, secrets: readonly string[]): string {
  // Cleaned first: a control character planted inside a key would hide it from the redactor.
  return redactText(sanitizeLogText(text), secrets);
}

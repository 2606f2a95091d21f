import { isQahtError } from '../errors.js';
import { type ErrorCategory, nodeErrorCategory } from './error-category.js';

/** The two pino methods `safeExecute` uses; any pino logger fits. */
export interface SafeExecuteLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SafeExecuteOptions<F> {
  /** Returned when `fn` throws. */
  fallbackValue: F;
  /** Names the operation in the log line. */
  operationName: string;
  /** @default a pino logger on stderr at LOG_LEVEL (default 'warn'), created on first use */
  logger?: SafeExecuteLogger;
}

const MEMORY_MESSAGES = /Invalid (?:array|typed array|string) length|Array buffer allocation failed|allocation failed/i;

/**
 * Classifies an error by its stable code (QahtError, then Node/undici), then by its type.
 * Wrapped errors (fetch's "fetch failed" TypeError) are judged by their `cause` when the
 * outer error says nothing.
 */
export function classifyError(error: unknown): ErrorCategory {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const category = classifyOne(current);
    if (category !== 'unexpected') return category;
    current = (current as { cause?: unknown }).cause;
  }
  return 'unexpected';
}

function classifyOne(error: unknown): ErrorCategory {
  if (isQahtError(error)) {
    switch (error.code) {
      case 'QAHT_ERR_TIMEOUT':
        return 'timeout';
      case 'QAHT_ERR_CONNECTION':
      case 'QAHT_ERR_HOST_NOT_FOUND':
      case 'QAHT_ERR_CIRCUIT_OPEN':
      case 'QAHT_ERR_RATE_LIMITED':
      case 'QAHT_ERR_HTTP_STATUS':
        return 'connection';
      case 'QAHT_ERR_INVALID_DATA':
      case 'QAHT_ERR_RESPONSE_TOO_LARGE':
      case 'QAHT_ERR_NO_DATA':
        return 'invalid_data';
      case 'QAHT_ERR_MISSING_KEY':
        return 'missing_key';
      case 'QAHT_ERR_CACHE_DIR':
        return 'disk';
      default:
        return 'unexpected';
    }
  }
  if (typeof error !== 'object') return 'unexpected';
  const code = (error as { code?: unknown }).code;
  const byCode = typeof code === 'string' ? nodeErrorCategory(code) : undefined;
  if (byCode) return byCode;
  const name = (error as { name?: unknown }).name;
  if (name === 'TimeoutError') return 'timeout';
  if (error instanceof RangeError && MEMORY_MESSAGES.test(error.message)) return 'memory';
  if (error instanceof SyntaxError || name === 'ValiError') return 'invalid_data';
  return 'unexpected';
}

/**
 * Runs `fn(...args)` and never throws: on failure it logs one line (category, operation, error)
 * and resolves to `fallbackValue`. Works for sync and async functions alike.
 */
export async function safeExecute<T, F = T, A extends unknown[] = []>(
  fn: (...args: A) => T | Promise<T>,
  options: SafeExecuteOptions<F>,
  ...args: A
): Promise<T | F> {
  try {
    return await fn(...args);
  } catch (error) {
    const category = classifyError(error);
    try {
      const logger = options.logger ?? (await defaultLogger());
      const entry = { operation: options.operationName, category, err: error };
      const message = `${options.operationName} failed (${category}); using the fallback value`;
      // Expected operational failures are warnings; anything we could not explain is an error.
      if (category === 'unexpected' || category === 'memory') logger.error(entry, message);
      else logger.warn(entry, message);
    } catch {
      // Logging is best effort: the promise of this function is that it never throws.
    }
    return options.fallbackValue;
  }
}

let sharedLogger: Promise<SafeExecuteLogger> | undefined;

/** Created on first use, so importing the library loads no logger and opens no stream. */
function defaultLogger(): Promise<SafeExecuteLogger> {
  sharedLogger ??= import('pino').then(({ pino }) => {
    const wanted = process.env.LOG_LEVEL?.trim().toLowerCase();
    const level = wanted && (wanted === 'silent' || Object.hasOwn(pino.levels.values, wanted)) ? wanted : 'warn';
    // Synchronous writes: no exit hook is registered and nothing is lost if the process ends.
    return pino({ level, base: { name: 'qaht' } }, pino.destination({ dest: 2, sync: true }));
  });
  return sharedLogger;
}

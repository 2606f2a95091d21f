import { describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, QahtError } from '../../src/errors.js';
import { classifyError, safeExecute, type SafeExecuteLogger } from '../../src/resilience/safe-execute.js';

function nodeError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something`), { code });
}

type LogFn = (obj: object, msg?: string) => void;

function spyLogger(): { warn: ReturnType<typeof vi.fn<LogFn>>; error: ReturnType<typeof vi.fn<LogFn>> } {
  return { warn: vi.fn<LogFn>(), error: vi.fn<LogFn>() };
}

describe('classifyError', () => {
  it.each([
    [new QahtError('QAHT_ERR_TIMEOUT', 't'), 'timeout'],
    [new QahtError('QAHT_ERR_CONNECTION', 'c'), 'connection'],
    [new CircuitOpenError(1000), 'connection'],
    [new QahtError('QAHT_ERR_INVALID_DATA', 'd'), 'invalid_data'],
    [new QahtError('QAHT_ERR_MISSING_KEY', 'k'), 'missing_key'],
    [new QahtError('QAHT_ERR_CACHE_DIR', 'dir'), 'disk'],
    [nodeError('ETIMEDOUT'), 'timeout'],
    [nodeError('ECONNRESET'), 'connection'],
    [nodeError('ECONNREFUSED'), 'connection'],
    [nodeError('ENOTFOUND'), 'connection'],
    [nodeError('ENOSPC'), 'disk'],
    [nodeError('EACCES'), 'disk'],
    [nodeError('EROFS'), 'disk'],
    [nodeError('EMFILE'), 'disk'],
    [nodeError('ERR_OUT_OF_MEMORY'), 'memory'],
    [new RangeError('Invalid array length'), 'memory'],
    [new DOMException('The operation timed out', 'TimeoutError'), 'timeout'],
    [new SyntaxError('Unexpected token < in JSON'), 'invalid_data'],
    [new TypeError('fetch failed', { cause: nodeError('ECONNREFUSED') }), 'connection'],
    [new RangeError('out of bounds'), 'unexpected'],
    [new Error('???'), 'unexpected'],
    ['a string', 'unexpected'],
    [undefined, 'unexpected'],
  ] as const)('classifies %s as %s', (error, category) => {
    expect(classifyError(error)).toBe(category);
  });

  it('reads real errors thrown by the runtime', () => {
    let parseError: unknown;
    try {
      JSON.parse('<html>');
    } catch (error) {
      parseError = error;
    }
    let lengthError: unknown;
    try {
      new Array(-1);
    } catch (error) {
      lengthError = error;
    }
    expect(classifyError(parseError)).toBe('invalid_data');
    expect(classifyError(lengthError)).toBe('memory');
  });
});

describe('safeExecute', () => {
  it('returns the function value, passing the arguments through', async () => {
    const logger = spyLogger();
    await expect(safeExecute((a: number, b: number) => a * b, { fallbackValue: 0, operationName: 'mul', logger }, 6, 7)).resolves.toBe(42);
    await expect(safeExecute(async () => 'async', { fallbackValue: 'fb', operationName: 'op', logger })).resolves.toBe('async');
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('never throws: sync throws and async rejections give the fallback and one log line', async () => {
    const logger = spyLogger();
    const syncResult = await safeExecute(
      (): string[] => {
        throw nodeError('ENOSPC');
      },
      { fallbackValue: [], operationName: 'write cache', logger },
    );
    expect(syncResult).toEqual([]);
    expect(logger.warn).toHaveBeenCalledOnce();
    const [entry, message] = logger.warn.mock.calls[0] as [Record<string, unknown>, string];
    expect(entry).toMatchObject({ operation: 'write cache', category: 'disk' });
    expect(message).toBe('write cache failed (disk); using the fallback value');

    const asyncResult = await safeExecute(async () => Promise.reject(new Error('mystery')), {
      fallbackValue: null,
      operationName: 'score',
      logger,
    });
    expect(asyncResult).toBeNull();
    expect(logger.error).toHaveBeenCalledOnce();
    expect(logger.error.mock.calls[0]?.[0]).toMatchObject({ category: 'unexpected' });
  });

  it('survives a logger that throws', async () => {
    const logger: SafeExecuteLogger = {
      warn: () => {
        throw new Error('log broke');
      },
      error: () => {
        throw new Error('log broke');
      },
    };
    await expect(safeExecute(() => Promise.reject(new Error('x')), { fallbackValue: 'fb', operationName: 'op', logger })).resolves.toBe(
      'fb',
    );
  });
});

import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { unexpectedData, validateResponse } from '../../../src/sources/shared/validate.js';

const Schema = v.object({ data: v.array(v.object({ price: v.number(), kind: v.literal('coin') })) });

describe('validateResponse', () => {
  it('returns the typed output of a valid body', () => {
    expect(validateResponse('coincap', Schema, { data: [{ price: 1, kind: 'coin', extra: true }] })).toEqual({
      data: [{ price: 1, kind: 'coin' }],
    });
  });

  it('names the source and the first issue path in the standard wording', () => {
    expect(() => validateResponse('stooq', Schema, { data: [{ price: '1', kind: 'coin' }] })).toThrow(
      expect.objectContaining({
        code: 'QAHT_ERR_INVALID_DATA',
        message: expect.stringMatching(/^stooq returned unexpected data: data\.0\.price: /),
      }),
    );
    expect(() => validateResponse('hn', Schema, null)).toThrow(/^hn returned unexpected data: body: /);
  });

  it('keeps the request URL on the error', () => {
    expect(() => validateResponse('binance', Schema, {}, { url: 'http://bn.test/x' })).toThrow(
      expect.objectContaining({ url: 'http://bn.test/x' }),
    );
  });

  it('sanitises text the body smuggles into the issue message', () => {
    let message = '';
    try {
      validateResponse('finnhub', Schema, {
        data: [{ price: 1, kind: '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u001b[2J' }],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^finnhub returned unexpected data: data\.0\.kind: /);
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('unexpectedData', () => {
  it('cuts a long reason to one short line and keeps the cause', () => {
    const cause = new Error('inner');
    const error = unexpectedData('gdelt', `line one\n${'y'.repeat(400)}`, { cause });
    expect(error.message.startsWith('gdelt returned unexpected data: line one y')).toBe(true);
    expect(error.message.length).toBeLessThan(220);
    expect(error.cause).toBe(cause);
  });
});

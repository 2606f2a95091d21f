import { describe, expect, it } from 'vitest';
import { parseDecimal, roundTo } from '../../../src/sources/shared/numbers.js';

describe('parseDecimal', () => {
  it.each([
    ['150.90', 150.9],
    [' -1.2 ', -1.2],
    ['+3', 3],
    ['.5', 0.5],
    ['7.', 7],
    ['1e-8', 1e-8],
    ['0.00123000', 0.00123],
    [42, 42],
    [-0.5, -0.5],
  ])('reads %j as %s', (input, expected) => {
    expect(parseDecimal(input)).toBe(expected);
  });

  it.each([
    ['0x10'],
    ['0b11'],
    ['Infinity'],
    ['NaN'],
    [''],
    ['   '],
    ['N/D'],
    ['-'],
    ['1,000'],
    ['12abc'],
    ['0.6671%'],
    [null],
    [undefined],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    ['1e999'],
    [`1${'0'.repeat(400)}`],
  ])('gives null for %j, never NaN or a guess', (input) => {
    expect(parseDecimal(input)).toBeNull();
  });

  it('reads plain decimals of any length exactly as Number does (the short ones take a one-pass path)', () => {
    // A fixed pseudo-random walk over signs, integer and fraction lengths 0–12: up to 24 digits.
    let seed = 7;
    const next = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const digits = (count: number): string => Array.from({ length: count }, () => String(next(10))).join('');
    for (let i = 0; i < 20_000; i++) {
      const text = `${['', '-', '+'][next(3)]}${digits(next(13))}.${digits(next(13))}`;
      const expected = text.replace(/^[+-]/, '') === '.' ? null : Number(text);
      expect(Object.is(parseDecimal(text), expected), text).toBe(true);
    }
    for (const text of ['0', '-0', '999999999999999', '9999999999999999', '900719925474099.3', '0.000000000000001', '00012.5000'])
      expect(Object.is(parseDecimal(text), Number(text)), text).toBe(true);
  });
});

describe('roundTo', () => {
  it('rounds and keeps null', () => {
    expect(roundTo(8.096910013, 4)).toBe(8.0969);
    expect(roundTo(null, 4)).toBeNull();
    expect(roundTo(Number.NaN, 4)).toBeNull();
  });
});

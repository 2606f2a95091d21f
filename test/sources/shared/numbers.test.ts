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
  ])('gives null for %j, never NaN or a guess', (input) => {
    expect(parseDecimal(input)).toBeNull();
  });
});

describe('roundTo', () => {
  it('rounds and keeps null', () => {
    expect(roundTo(8.096910013, 4)).toBe(8.0969);
    expect(roundTo(null, 4)).toBeNull();
    expect(roundTo(Number.NaN, 4)).toBeNull();
  });
});

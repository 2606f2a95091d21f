import { describe, expect, it } from 'vitest';
import { formatAge, formatCompact, formatPercent, formatScaledPrice, groupThousands } from '../../src/output/format-number.js';

describe('number formats for tables', () => {
  it('groups thousands by hand', () => {
    expect(groupThousands('1234567')).toBe('1,234,567');
    expect(groupThousands('-1234.50')).toBe('-1,234.50');
    expect(groupThousands('999')).toBe('999');
  });

  it('formats prices with sensible precision', () => {
    expect(formatScaledPrice(67500.4)).toBe('67,500');
    expect(formatScaledPrice(Math.PI)).toBe('3.14');
    expect(formatScaledPrice(0.00001234)).toBe('0.00001234');
    expect(formatScaledPrice(null)).toBe('–');
  });

  it('formats compact amounts, percentages and ages', () => {
    expect(formatCompact(1_320_000_000_000)).toBe('1.32T');
    expect(formatCompact(237_298_522)).toBe('237M');
    expect(formatPercent(2.345)).toBe('+2.35%');
    expect(formatPercent(-0.5)).toBe('-0.50%');
    expect(formatAge(45)).toBe('45s');
    expect(formatAge(3 * 3600)).toBe('3h');
    expect(formatAge(null)).toBe('?');
  });
});

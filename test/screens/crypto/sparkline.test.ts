import { describe, expect, it } from 'vitest';
import { downsample, renderSparkline } from '../../../src/screens/crypto/sparkline.js';

describe('downsample', () => {
  it('averages equal buckets, oldest first', () => {
    const hourly = Array.from({ length: 168 }, (_, i) => i);
    const points = downsample(hourly, 24);
    expect(points).toHaveLength(24);
    expect(points[0]).toBe(3); // mean of 0..6
    expect(points[23]).toBe(164); // mean of 161..167
  });

  it('only rounds a series that is already short, to 6 significant digits', () => {
    expect(downsample([1.23456789, 96000.123456], 24)).toEqual([1.23457, 96000.1]);
  });
});

describe('renderSparkline', () => {
  it('draws 12 bars from lowest to highest', () => {
    const rising = Array.from({ length: 168 }, (_, i) => 100 + i);
    const cell = renderSparkline(rising);
    expect([...cell]).toHaveLength(12);
    expect(cell.startsWith('▁')).toBe(true);
    expect(cell.endsWith('█')).toBe(true);
  });

  it('draws a flat series as a level line, and nothing without data', () => {
    expect(renderSparkline([5, 5, 5], 3)).toBe('▄▄▄');
    expect(renderSparkline(null)).toBe('');
  });
});

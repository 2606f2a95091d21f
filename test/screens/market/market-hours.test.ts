import { describe, expect, it } from 'vitest';
import { isUsMarketOpen, msSinceSessionBoundary, newYorkWallTime, quoteTtlMs } from '../../../src/screens/market/market-hours.js';

const MIN = 60_000;
const HOUR = 3600_000;
const at = (iso: string): number => Date.parse(iso);

describe('US market hours', () => {
  it('reads New York wall time in winter (EST, UTC-5) and summer (EDT, UTC-4)', () => {
    expect(newYorkWallTime(at('2026-11-30T15:00:00Z'))).toEqual({ weekday: 1, minuteOfDay: 600 });
    expect(newYorkWallTime(at('2026-07-15T13:30:00Z'))).toEqual({ weekday: 3, minuteOfDay: 570 });
    expect(newYorkWallTime(at('2026-11-30T05:00:00Z'))).toEqual({ weekday: 1, minuteOfDay: 0 });
  });

  it('is open Mon–Fri 09:30 to 16:00 New York time, DST included', () => {
    expect(isUsMarketOpen(at('2026-11-30T14:29:59Z'))).toBe(false); // Mon 09:29:59 EST
    expect(isUsMarketOpen(at('2026-11-30T14:30:00Z'))).toBe(true); // Mon 09:30 EST
    expect(isUsMarketOpen(at('2026-11-30T20:59:59Z'))).toBe(true); // 15:59:59
    expect(isUsMarketOpen(at('2026-11-30T21:00:00Z'))).toBe(false); // 16:00
    expect(isUsMarketOpen(at('2026-07-15T13:30:00Z'))).toBe(true); // Wed 09:30 EDT
    expect(isUsMarketOpen(at('2026-07-15T20:00:00Z'))).toBe(false); // Wed 16:00 EDT
    expect(isUsMarketOpen(at('2026-03-09T13:30:00Z'))).toBe(true); // the Monday after the switch to EDT
    expect(isUsMarketOpen(at('2026-11-28T16:00:00Z'))).toBe(false); // Saturday
    expect(isUsMarketOpen(at('2026-11-29T16:00:00Z'))).toBe(false); // Sunday
  });

  it('measures the time since the last open or close, back over weekends', () => {
    expect(msSinceSessionBoundary(at('2026-11-30T15:00:00Z'))).toBe(30 * MIN); // since the open
    expect(msSinceSessionBoundary(at('2026-11-30T21:30:00Z'))).toBe(30 * MIN); // since the close
    expect(msSinceSessionBoundary(at('2026-11-28T12:00:00Z'))).toBe(15 * HOUR); // Sat 07:00 since Fri 16:00
    expect(msSinceSessionBoundary(at('2026-11-30T14:00:00Z'))).toBe(65 * HOUR); // Mon 09:00 since Fri 16:00
    expect(msSinceSessionBoundary(at('2026-12-01T13:00:00Z'))).toBe(16 * HOUR); // Tue 08:00 since Mon 16:00
  });
});

describe('quoteTtlMs', () => {
  it('is 15 min during the session', () => {
    expect(quoteTtlMs(at('2026-11-30T17:00:00Z'))).toBe(15 * MIN);
    expect(quoteTtlMs(at('2026-07-15T18:00:00Z'))).toBe(15 * MIN);
  });

  it('does not reach back across the open: 5 min after it, quotes older than 5 min are stale', () => {
    expect(quoteTtlMs(at('2026-11-30T14:35:00Z'))).toBe(5 * MIN);
  });

  it('is 6 h outside the session, but not across the close', () => {
    expect(quoteTtlMs(at('2026-11-28T12:00:00Z'))).toBe(6 * HOUR); // Saturday
    expect(quoteTtlMs(at('2026-11-30T14:00:00Z'))).toBe(6 * HOUR); // Monday before the open
    expect(quoteTtlMs(at('2026-11-30T21:40:00Z'))).toBe(40 * MIN); // 16:40: a 15:50 quote is stale
    expect(quoteTtlMs(at('2026-11-30T21:00:10Z'))).toBe(MIN); // right at the close: the 1 min floor
  });

  it('takes its limits as options', () => {
    expect(quoteTtlMs(at('2026-11-30T17:00:00Z'), { sessionTtlMs: 5 * MIN })).toBe(5 * MIN);
    expect(quoteTtlMs(at('2026-11-28T12:00:00Z'), { closedTtlMs: 12 * HOUR })).toBe(12 * HOUR);
  });
});

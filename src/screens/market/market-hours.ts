/**
 * US equity market hours (NYSE/Nasdaq regular session: Mon–Fri 09:30–16:00 America/New_York)
 * and the quote TTL that follows from them. Pure: time comes in as epoch ms. Exchange holidays
 * and half days are not modelled: a holiday looks like a session, which only costs a refetch.
 */

const MINUTE_MS = 60_000;
const OPEN_MINUTE = 9 * 60 + 30;
const CLOSE_MINUTE = 16 * 60;

/** How long a cached quote stays fresh. */
export interface QuoteTtlOptions {
  /** TTL during the session. @default 15 min */
  sessionTtlMs?: number;
  /** TTL outside the session. @default 6 h */
  closedTtlMs?: number;
  /** Lower bound, so an entry written at a session boundary is still cached briefly. @default 1 min */
  minTtlMs?: number;
}

export const DEFAULT_QUOTE_TTL: Required<QuoteTtlOptions> = {
  sessionTtlMs: 15 * MINUTE_MS,
  closedTtlMs: 6 * 3600_000,
  minTtlMs: MINUTE_MS,
};

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** New York wall time: weekday (0 = Sunday) and minutes since local midnight (fractional). */
export function newYorkWallTime(nowMs: number): { weekday: number; minuteOfDay: number } {
  const parts = Object.fromEntries(NEW_YORK.formatToParts(new Date(nowMs)).map((part) => [part.type, part.value]));
  const hour = Number(parts.hour) % 24;
  const seconds = Number(parts.minute) * 60 + Number(parts.second) + (nowMs % 1000) / 1000;
  return { weekday: WEEKDAYS.indexOf(parts.weekday ?? ''), minuteOfDay: hour * 60 + seconds / 60 };
}

const isWeekday = (weekday: number): boolean => weekday >= 1 && weekday <= 5;

/** Whether the US regular session is open at `nowMs` (Mon–Fri, 09:30 ≤ t < 16:00 New York time). */
export function isUsMarketOpen(nowMs: number): boolean {
  const { weekday, minuteOfDay } = newYorkWallTime(nowMs);
  return isWeekday(weekday) && minuteOfDay >= OPEN_MINUTE && minuteOfDay < CLOSE_MINUTE;
}

/**
 * Milliseconds since the session boundary last crossed: the open when the market is open, else the
 * most recent weekday 16:00 close. Counted in New York wall time, so across a DST change it can be
 * an hour off, which the TTL caps make harmless.
 */
export function msSinceSessionBoundary(nowMs: number): number {
  const { weekday, minuteOfDay } = newYorkWallTime(nowMs);
  if (isWeekday(weekday)) {
    if (minuteOfDay >= CLOSE_MINUTE) return (minuteOfDay - CLOSE_MINUTE) * MINUTE_MS;
    if (minuteOfDay >= OPEN_MINUTE) return (minuteOfDay - OPEN_MINUTE) * MINUTE_MS;
  }
  // Before the open or at the weekend: back to the previous weekday's close.
  let daysBack = 1;
  while (!isWeekday((weekday - daysBack + 7) % 7)) daysBack++;
  const minutes = minuteOfDay + (daysBack - 1) * 24 * 60 + (24 * 60 - CLOSE_MINUTE);
  return minutes * MINUTE_MS;
}

/**
 * The TTL for a quote looked up at `nowMs`: 15 min during the session, 6 h outside it, but never
 * reaching back across the last open or close (a quote fetched at 15:50 is stale at 16:10, one
 * fetched before the open is stale once the session starts), and at least `minTtlMs`.
 */
export function quoteTtlMs(nowMs: number, options: QuoteTtlOptions = {}): number {
  const { sessionTtlMs, closedTtlMs, minTtlMs } = { ...DEFAULT_QUOTE_TTL, ...options };
  const cap = isUsMarketOpen(nowMs) ? sessionTtlMs : closedTtlMs;
  return Math.max(minTtlMs, Math.min(cap, msSinceSessionBoundary(nowMs)));
}

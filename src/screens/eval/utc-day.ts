/**
 * Days as the journal and `screen eval` count them: whole UTC days, numbered from the epoch, so
 * "the day h days after D" is plain addition and no time zone or DST can shift it.
 */

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number (days since 1970-01-01 UTC) of `YYYY-MM-DD`; undefined when it is not a real calendar date. */
export function dayNumberOf(date: string): number | undefined {
  const match = DATE_PATTERN.exec(date);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2026-02-30 over into March: a date that does not round-trip is not a date.
  return dateOfDay(ms / DAY_MS) === date ? ms / DAY_MS : undefined;
}

/** `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of the UTC day that contains `epochMs`. */
export function dayOfMs(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

/**
 * The last closed UTC day at `epochMs`: a day has closed once the clock is past 00:00 UTC of the
 * next day, so at any instant it is the day before today.
 */
export function lastClosedDay(epochMs: number): number {
  return dayOfMs(epochMs) - 1;
}

/** ISO start (`T00:00:00.000Z`) of a day. */
export function dayStartIso(day: number): string {
  return new Date(day * DAY_MS).toISOString();
}

/** ISO close (`T23:59:59.999Z`) of a day: the close time of its daily candle. */
export function dayCloseIso(day: number): string {
  return new Date((day + 1) * DAY_MS - 1).toISOString();
}

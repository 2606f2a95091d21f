/** Delay-seconds: digits, optionally signed or fractional (servers send both, RFC 9110 says digits). */
const SECONDS = /^[+-]?\d+(?:\.\d+)?$/;
/** IMF-fixdate and RFC 850 (`Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`). */
const HTTP_DATE = /^[A-Za-z]{3,9}, \d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;
/** asctime (`Sun Nov  6 08:49:37 1994`), which has no zone and is UTC by definition. */
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Parses an HTTP `Retry-After` value into ms from `nowMs`: delay-seconds or an HTTP date.
 * A negative delay or a date in the past gives 0 ("retry now"); anything else unreadable gives
 * undefined, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (SECONDS.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
  }
  // Date.parse alone accepts far too much ("1 2", "x 2020"), so only HTTP date shapes reach it.
  let dateMs: number;
  if (HTTP_DATE.test(text)) dateMs = Date.parse(text);
  else if (ASCTIME.test(text)) dateMs = Date.parse(`${text} GMT`);
  else return undefined;
  return Number.isFinite(dateMs) ? Math.max(0, dateMs - nowMs) : undefined;
}

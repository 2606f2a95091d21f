/**
 * Date fields of the news APIs, read into ISO 8601 (UTC) or null. Null, not a guess: an item with
 * no readable time cannot be placed in the `--since` window and is dropped by the screen.
 */

/** Any string `Date.parse` understands: RFC-822 pubDates ("Fri, 02 Oct 2026 09:57:23 GMT") and ISO 8601. */
export function parseDateText(text: string | null | undefined): string | null {
  if (!text) return null;
  const ms = Date.parse(text.trim());
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const GDELT_SEENDATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** GDELT's compact `seendate` ("20260918T030000Z", UTC). */
export function parseGdeltDate(text: string | null | undefined): string | null {
  const match = GDELT_SEENDATE.exec(text?.trim() ?? '');
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls invalid parts over (month 13 → next year); a rolled date is not the one sent.
  return new Date(ms).getUTCMonth() === mo - 1 && new Date(ms).getUTCDate() === d ? new Date(ms).toISOString() : null;
}

/** Unix seconds (Finnhub `datetime`, HN `created_at_i`). */
export function parseUnixSeconds(seconds: number | null | undefined): string | null {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
  return new Date(seconds * 1000).toISOString();
}

/** Epoch ms → "YYYY-MM-DD" (UTC), as Finnhub's `from`/`to` want. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

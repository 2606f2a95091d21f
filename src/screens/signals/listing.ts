import { closeTimeOf, INTERVAL_MS } from '../../candle.js';

/** Coins listed for fewer days than this are kept out of the ranking (`listed under 30 days`). */
export const MIN_LISTED_DAYS = 30;
export const LISTED_TOO_RECENTLY = `listed under ${MIN_LISTED_DAYS} days`;

/**
 * Whole days from the first stored daily candle's open to the close of the last one used (its
 * last millisecond ends the day, so one candle is one day). Null without candles.
 */
export function listedDays(openTime: readonly number[], end = openTime.length): number | null {
  if (end < 1) return null;
  const lastClose = closeTimeOf(openTime[end - 1]!, '1d');
  return Math.floor((lastClose + 1 - openTime[0]!) / INTERVAL_MS['1d']);
}

/** ISO close time of the last daily candle used (`…T23:59:59.999Z`); null without candles. */
export function historyAsOf(openTime: readonly number[], end = openTime.length): string | null {
  return end < 1 ? null : new Date(closeTimeOf(openTime[end - 1]!, '1d')).toISOString();
}

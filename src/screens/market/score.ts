import { roundTo } from '../../sources/shared/numbers.js';

/**
 * Momentum score: the size of the move, weighted by how much traded.
 *
 *   score = |changePct| × clamp(log10(volume) − 5, 0.25, 3)
 *
 * so 1 M shares weigh 1, 10 M weigh 2, 100 M+ weigh 3, and thin trading (≤ ~178 k shares) 0.25: a
 * 3 % move on 50 M shares (8.0969) outranks a 4 % move on 300 k shares (1.9085). When the source
 * reports no volume (Finnhub /quote) the weight is 1, as for a typical 1 M-share day. The sign is
 * ignored: a sharp fall is as notable as a sharp rise (sort by `change` for direction).
 * Null when the change is unknown. Rounded to 4 decimals.
 */
export function marketScore(changePct: number | null, volume: number | null): number | null {
  if (changePct === null) return null;
  const weight = volume === null ? 1 : Math.min(3, Math.max(0.25, Math.log10(Math.max(volume, 1)) - 5));
  return roundTo(Math.abs(changePct) * weight, 4);
}

/** Table text for market numbers. Machine output (JSON, CSV) uses the raw numbers instead. */
import { COMPACT_UNITS, groupThousands } from '../../output/format-number.js';

const EMPTY = '—';

/**
 * A quote always in cents, grouped: `182.63`, `1,234.50`; under 1 four decimals, `0.4312`. (Coin
 * prices, from whole dollars to sub-cent, use output's `formatScaledPrice`.)
 */
export function formatCentsPrice(value: number | null): string {
  if (value === null) return EMPTY;
  const digits = Math.abs(value) < 1 ? 4 : 2;
  return groupThousands(value.toFixed(digits));
}

/** `+1.02%`, `-0.50%`, `0.00%`. */
export function formatChangePct(value: number | null): string {
  if (value === null) return EMPTY;
  const rounded = Math.round(value * 100) / 100;
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(2)}%`;
}

/** `950`, `12.3K`, `40.0M`, `1.2B`. */
export function formatVolume(value: number | null): string {
  if (value === null) return EMPTY;
  for (const { value: size, suffix } of COMPACT_UNITS) if (Math.abs(value) >= size) return `${(value / size).toFixed(1)}${suffix}`;
  return String(Math.round(value));
}

/** `3.14`. */
export function formatScore(value: number | null): string {
  return value === null ? EMPTY : value.toFixed(2);
}

import * as v from 'valibot';

/** A plain decimal as APIs write them: optional sign, digits with an optional fraction, optional exponent. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a numeric field that an API sends as a number or as a decimal string ("150.90",
 * "-1.2", "1e-8"; surrounding spaces allowed). Anything else gives null, never NaN: null, blank,
 * `N/D`, `-`, hex ("0x10"), "Infinity", and non-finite numbers.
 */
export function parseDecimal(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Schema for a numeric field that may arrive as a number, a string (read with `parseDecimal`), or null. */
export const numericLike = v.nullish(v.union([v.number(), v.string()]));

/** Rounds to `digits` decimals, keeping null (percentages stay readable in JSON). */
export function roundTo(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

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
  const plain = plainDecimal(value, 0, value.length);
  if (plain !== undefined) return plain;
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

/** 10^0 … 10^15, each exact as a double. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The value of `text` from `start` to `end` when it is a plain decimal (optional sign, digits,
 * at most one point; no exponent, no spaces: "43210.12345678", "-0.5", "7.") — null when it is too
 * large to be finite — or undefined for anything else, left to the general path. One pass, and up
 * to 15 digits no `Number` call: the digits as an integer (below 2^53, so exact) divided by an
 * exact power of ten is one correctly rounded division of exact operands, which is exactly what
 * `Number` returns. A fetch reads thousands of these, where trim + regex + Number cost about three
 * times as much.
 */
function plainDecimal(text: string, start: number, end: number): number | null | undefined {
  const sign = start < end ? text.charCodeAt(start) : 0;
  const negative = sign === 45; // '-'
  let digits = 0;
  let mantissa = 0;
  let point = -1;
  for (let i = negative || sign === 43 ? start + 1 : start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
    } else if (code === 46 && point < 0)
      point = i; // '.'
    else return undefined;
  }
  if (digits === 0) return undefined;
  if (digits > 15) {
    const long = Number(text.slice(start, end));
    return Number.isFinite(long) ? long : null;
  }
  const value = point < 0 ? mantissa : mantissa / POWERS_OF_TEN[end - 1 - point]!;
  return negative ? -value : value;
}

/** Schema for a numeric field that may arrive as a number, a string (read with `parseDecimal`), or null. */
export const numericLike = v.nullish(v.union([v.number(), v.string()]));

/** Rounds to `digits` decimals, keeping null (percentages stay readable in JSON). */
export function roundTo(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

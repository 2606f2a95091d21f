import * as v from 'valibot';
import { QahtError } from '../../errors.js';
import { sanitizeText } from '../../output/sanitize.js';

const MAX_REASON_CHARS = 160;

/**
 * Validates a decoded response body against its schema. A mismatch means the API changed shape,
 * so it throws `QAHT_ERR_INVALID_DATA` with "`<source>` returned unexpected data: <first issue>",
 * a message short enough for one status line.
 */
export function parseResponse<const S extends v.GenericSchema>(source: string, schema: S, body: unknown, url?: string): v.InferOutput<S> {
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  throw unexpectedData(source, `${path ?? 'body'}: ${issue.message}`, url);
}

/** The standard "shape changed" error for `source`, with the reason cut to one line. */
export function unexpectedData(source: string, reason: string, url?: string, cause?: unknown): QahtError {
  return new QahtError('QAHT_ERR_INVALID_DATA', `${source} returned unexpected data: ${oneLine(reason)}`, { url, cause });
}

/**
 * Text an API sent (an error message) made fit for an error message: escape sequences and control
 * characters removed, cut to one short line. Errors reach status lines, so they are cleaned here.
 */
export function oneLine(text: string): string {
  const clean = sanitizeText(text);
  return clean.length > MAX_REASON_CHARS ? `${clean.slice(0, MAX_REASON_CHARS - 1)}…` : clean;
}

/**
 * A JSON field that should be a number but some APIs send as a decimal string (CoinCap, Binance).
 * Strings are parsed; anything unparseable or non-finite becomes null, never NaN.
 */
export function toNumberOrNull(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Schema for a numeric field that may arrive as a number, a decimal string, or null. */
export const numericLike = v.nullish(v.union([v.number(), v.string()]));

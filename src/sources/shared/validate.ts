import * as v from 'valibot';
import { QahtError } from '../../errors.js';
import { compileCheck } from './compiled-check.js';
import { shortText } from './text.js';

/** Where an invalid response came from, for the error. */
export interface UnexpectedDataOptions {
  /** The request URL (redacted by the client already). */
  url?: string | undefined;
  cause?: unknown;
}

/**
 * The standard "the API changed shape" error: QAHT_ERR_INVALID_DATA with
 * "<source> returned unexpected data: <reason>", the reason sanitised and cut to one line because
 * it may quote the body and ends up on a status line.
 */
export function unexpectedData(source: string, reason: string, options: UnexpectedDataOptions = {}): QahtError {
  return new QahtError('QAHT_ERR_INVALID_DATA', `${source} returned unexpected data: ${shortText(reason)}`, {
    url: options.url,
    cause: options.cause,
  });
}

/**
 * Validates a decoded response against its valibot schema and returns the typed output. A mismatch
 * throws `unexpectedData` naming the first issue's path ("body" for the whole value), so a log says
 * where the shape broke, and nothing downstream ever sees NaN or a missing field.
 */
export function validateResponse<const TSchema extends v.GenericSchema>(
  source: string,
  schema: TSchema,
  body: unknown,
  options: { url?: string | undefined } = {},
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw unexpectedData(source, `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`, { url: options.url });
}

/**
 * A type guard from a schema, for values the adapters produced (a cache lookup's `validate`):
 * the same check serves a value just fetched and one read back from the cache.
 */
export function shapeCheck<const TSchema extends v.GenericSchema>(schema: TSchema): (value: unknown) => value is v.InferOutput<TSchema> {
  const compiled = compileCheck(schema);
  return compiled
    ? (value): value is v.InferOutput<TSchema> => compiled(value)
    : (value): value is v.InferOutput<TSchema> => v.is(schema, value);
}

/**
 * A list of numbers, checked in one pass: per-element schemas cost ~10× more on the long series
 * the records carry (168-point sparklines), and a cached run checks every one of them.
 */
export const numberList = v.custom<number[]>((value) => Array.isArray(value) && value.every((item) => typeof item === 'number'));

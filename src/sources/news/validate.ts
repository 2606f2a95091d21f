import * as v from 'valibot';
import { unexpectedData } from './news-errors.js';

/**
 * Validates an API response against its valibot schema. A shape that changed becomes
 * `QAHT_ERR_INVALID_DATA` "<source> returned unexpected data: <path>: <issue>", never NaN downstream.
 */
export function validateResponse<const TSchema extends v.GenericSchema>(
  source: string,
  schema: TSchema,
  data: unknown,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return throwUnexpected(source, `${path ? `${path}: ` : ''}${issue.message}`);
}

function throwUnexpected(source: string, reason: string): never {
  throw unexpectedData(source, reason);
}

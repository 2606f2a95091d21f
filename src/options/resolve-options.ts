import type { Env } from '../sources/source-names.js';
import { longFlag, type OptionRecord, type OptionValues, type ValueSource } from './option-record.js';
import { quoteValue, usageError } from './parse-values.js';

/** Option values as commander leaves them, by record key: a string (strings, for a repeatable flag), a switch's boolean, or undefined when not given. */
export type RawValues = Readonly<Record<string, unknown>>;

export interface ResolvedOptions<Records extends readonly OptionRecord<string, unknown>[]> {
  values: OptionValues<Records>;
  /** Where each value came from, by record key. */
  sources: Readonly<Record<string, ValueSource>>;
}

/**
 * Every record's value: the flag when given, else its environment variable when set and not
 * blank, else its default. A given flag must carry a real value: an empty one, or one that is
 * the next option (`--cache-dir --json`: commander takes `--json` as the folder), is a usage
 * error, never the default.
 * @throws QahtError QAHT_ERR_USAGE, one line, for the first bad value.
 */
export function resolveOptions<const Records extends readonly OptionRecord<string, unknown>[]>(
  records: Records,
  raw: RawValues,
  env: Env,
): ResolvedOptions<Records> {
  const values: Record<string, unknown> = {};
  const sources: Record<string, ValueSource> = {};
  for (const record of records) {
    const given = raw[record.key];
    const fromEnv = record.env === undefined ? undefined : env[record.env];
    if (given !== undefined) {
      values[record.key] = Array.isArray(given)
        ? given.flatMap((occurrence) => parseGiven(record, String(occurrence)) as unknown[])
        : typeof given === 'string'
          ? parseGiven(record, given)
          : given;
      sources[record.key] = 'flag';
    } else if (record.env !== undefined && fromEnv !== undefined && fromEnv.trim() !== '') {
      values[record.key] = parseWith(record, fromEnv, record.env);
      sources[record.key] = 'env';
    } else {
      values[record.key] = record.default;
      sources[record.key] = 'default';
    }
  }
  // The loop above filled one value per record key: the shape OptionValues<Records> names.
  return { values: values as OptionValues<Records>, sources };
}

function parseGiven(record: OptionRecord<string, unknown>, given: string): unknown {
  const flag = longFlag(record);
  if (given.trim() === '') throw usageError(`${flag} needs a value, got an empty one`);
  // A value may start with "-" only as a number (`-5`, for the parser to judge), never as an option.
  if (/^-[^\d.]/.test(given)) throw usageError(`${flag} needs a value, got the option ${quoteValue(given)}`);
  return parseWith(record, given, flag);
}

function parseWith(record: OptionRecord<string, unknown>, raw: string, label: string): unknown {
  if (!record.parse) throw usageError(`${label} takes no value`);
  return record.parse(raw, label);
}

import { QahtError } from '../errors.js';
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
 * One command's settings from the config file, as `resolveOptions` reads them: each setting is
 * named by its option's long flag without the dashes (`limit`, `min-volume`, `asc`).
 */
export interface ConfigSettings {
  /** The setting's value as the file holds it (a TOML string, number, boolean or array), or undefined. */
  get(name: string): unknown;
  /** How a message names the setting: its file, line and name, e.g. `config.toml:12: [crypto] limit`. */
  label(name: string): string;
}

/** The config file's name for an option: its long flag without the dashes. */
export function configName(record: Pick<OptionRecord, 'flags'>): string {
  return longFlag(record).slice(2);
}

/**
 * Every record's value: the flag when given, else its environment variable when set and not
 * blank, else the config file's setting, else its default. A given flag must carry a real value:
 * an empty one, or one that is the next option (`--cache-dir --json`: commander takes `--json` as
 * the folder), is a usage error, never the default. A repeatable option's flags replace the
 * config file's list, and resolve to `[]` when neither gives any.
 * @throws QahtError QAHT_ERR_USAGE, one line, for the first bad value (a config value's names its file and line).
 */
export function resolveOptions<const Records extends readonly OptionRecord<string, unknown>[]>(
  records: Records,
  raw: RawValues,
  env: Env,
  config?: ConfigSettings,
): ResolvedOptions<Records> {
  const values: Record<string, unknown> = {};
  const sources: Record<string, ValueSource> = {};
  for (const record of records) {
    const given = raw[record.key];
    const fromEnv = record.env === undefined ? undefined : env[record.env];
    const fromConfig = config?.get(configName(record));
    if (given !== undefined) {
      values[record.key] = Array.isArray(given)
        ? given.map((one: unknown) => parseGiven(record, String(one)))
        : typeof given === 'string'
          ? parseGiven(record, given)
          : given;
      sources[record.key] = 'flag';
    } else if (record.env !== undefined && fromEnv !== undefined && fromEnv.trim() !== '') {
      values[record.key] = parseWith(record, fromEnv, record.env);
      sources[record.key] = 'env';
    } else if (config && fromConfig !== undefined) {
      values[record.key] = parseConfigValue(record, fromConfig, config.label(configName(record)));
      sources[record.key] = 'config';
    } else {
      values[record.key] = record.default ?? (record.repeatable ? [] : undefined);
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

/**
 * A config file value through the record's own parser: a switch takes true or false, a number is
 * read as its text, an array is a comma-separated list (or, for a repeatable option, one value
 * each), a string is read like the flag's value.
 */
function parseConfigValue(record: OptionRecord<string, unknown>, value: unknown, label: string): unknown {
  try {
    return parseConfigValueAs(record, value, label);
  } catch (error) {
    // A value's own parser may not name where the value came from: a config value's message always does.
    if (error instanceof QahtError && error.code === 'QAHT_ERR_USAGE' && !error.message.includes(label)) {
      throw usageError(`${label}: ${error.message}`);
    }
    throw error;
  }
}

function parseConfigValueAs(record: OptionRecord<string, unknown>, value: unknown, label: string): unknown {
  if (record.type === 'switch') {
    if (typeof value !== 'boolean') throw usageError(`${label} must be true or false`);
    return value;
  }
  if (record.repeatable) {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item) => parseWith(record, configText(item, label), label));
  }
  if (Array.isArray(value)) return parseWith(record, value.map((item) => configText(item, label)).join(','), label);
  return parseWith(record, configText(value, label), label);
}

function configText(value: unknown, label: string): string {
  if (typeof value === 'string') {
    if (value.trim() === '') throw usageError(`${label} needs a value, got an empty one`);
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw usageError(`${label} expects a string or a number`);
}

/**
 * Option records: everything about one command-line option in one place (its flags, help text,
 * environment variable, default and parser), as npm-check-updates' `CLIOption` does. The CLI
 * registers them with commander and builds `--help` from them, `resolveOptions` turns raw values
 * into typed ones (flag > environment > default), and a test holds the README's option tables to
 * them. Nothing else states a default.
 */

/**
 * What kind of value an option takes: `switch` has none (`--json`, `--no-color`), `integer` and
 * `amount` are numbers, `duration` is like `24h`, `choice` is one of `choices`, `list` is
 * comma-separated (of `choices` when it has them), `path` a file or folder, `url` a store URL, `text`
 * free text (an alert rule, a shell command, an address, a search query) that its own parser shapes.
 */
export type OptionType = 'switch' | 'integer' | 'amount' | 'duration' | 'choice' | 'list' | 'path' | 'url' | 'text';

/** Turns an option's raw text into its value; throws a one-line `QAHT_ERR_USAGE` naming `label`. */
export type ValueParser<Value> = (raw: string, label: string) => Value;

export interface OptionRecord<Key extends string = string, Value = unknown> {
  /** Where the value lands in the resolved options, e.g. `timeoutMs`. */
  key: Key;
  /**
   * commander flags: `--name` (a switch), `--no-name` (a switch that is on unless given), `--name <arg>`,
   * or `--name [arg]` (a value that may be left out: the option is then `true`).
   */
  flags: string;
  /** One line for `--help`; the default, choices and environment variable are appended from the record. */
  description: string;
  type: OptionType;
  /** Read when the flag is absent; a blank value counts as unset. Parsed like the flag. */
  env?: string;
  /** The value when neither the flag nor `env` sets it. Switches default to off (`--no-*` to on). */
  default?: Value;
  /** How the default reads in help and the README when the plain value would not say it (e.g. `1M`). */
  defaultLabel?: string;
  /** For `choice` and `list`: the values accepted, listed in help. */
  choices?: readonly string[];
  /** For `integer` and `amount`: the accepted range, inclusive. */
  range?: { min: number; max: number };
  /** Absent only for switches. */
  parse?: ValueParser<Value>;
  /**
   * The flag may be given several times (`--alert a --alert b`, `--news-query a --news-query b`): its
   * value is the list of parsed occurrences, in order; the environment variable and the default
   * stand in only when the flag is not given at all.
   */
  repeatable?: boolean;
}

/** A record whose exact type (key, value, whether it has a default) is kept for `OptionValues`. */
export function defineOption<const Definition extends OptionRecord<string, unknown>>(record: Definition): Definition {
  return record;
}

/** A switch: `--json` (off unless given) or `--no-color` (on unless given). */
export function switchOption<const Key extends string>(key: Key, flags: string, description: string): SwitchRecord<Key> {
  return { key, flags, description, type: 'switch', default: flags.startsWith('--no-') };
}

type SwitchRecord<Key extends string> = OptionRecord<Key, boolean> & { type: 'switch'; default: boolean };

type ValueOf<Definition> = Definition extends { type: 'switch' }
  ? boolean
  : Definition extends { parse?: ValueParser<infer Value> }
    ? Definition extends { repeatable: true }
      ? Value[]
      : Definition extends { flags: `${string}[${string}]` }
        ? Value | true | undefined
        : Definition extends { default: unknown }
          ? Value
          : Value | undefined
    : never;

/** The resolved options of a list of records: each `key` with its value (undefined when unset and without default). */
export type OptionValues<Records extends readonly OptionRecord<string, unknown>[]> = {
  [Definition in Records[number] as Definition['key']]: ValueOf<Definition>;
};

/** Where a resolved value came from: `flag` (the command line), `env`, the `config` file, or the record's `default`. */
export type ValueSource = 'flag' | 'env' | 'config' | 'default';

/** The option's long name as users type it, e.g. `--timeout-ms` (from `--timeout-ms <ms>`). */
export function longFlag(record: Pick<OptionRecord, 'flags'>): string {
  return record.flags.split(/[ ,]/)[0]!;
}

/** The default as help and the README show it, or undefined when the option has none worth showing. */
export function defaultText(record: OptionRecord): string | undefined {
  if (record.defaultLabel !== undefined) return record.defaultLabel;
  if (record.type === 'switch' || record.default === undefined) return undefined;
  return String(record.default);
}

/**
 * The help line's text: the description, then what the record says about choices, range, default
 * and environment variable, e.g. `per-request timeout in ms (1–600000; default: 30000; env: SCREEN_TIMEOUT_MS)`.
 */
export function helpText(record: OptionRecord): string {
  const extras: string[] = [];
  if (record.choices) extras.push(`${record.type === 'list' ? 'any of' : 'one of'}: ${record.choices.join(', ')}`);
  if (record.range && record.type === 'integer') extras.push(`${record.range.min}–${record.range.max}`);
  const shown = defaultText(record);
  if (shown !== undefined) extras.push(`default: ${shown}`);
  if (record.env) extras.push(`env: ${record.env}`);
  return extras.length > 0 ? `${record.description} (${extras.join('; ')})` : record.description;
}

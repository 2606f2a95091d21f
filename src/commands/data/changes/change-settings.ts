import { createHash } from 'node:crypto';
import type { changeOptions } from '../../../options/change-options.js';
import type { ConfigFile } from '../../../options/config-file.js';
import type { OptionValues, ValueSource } from '../../../options/option-record.js';
import { quoteValue, usageError } from '../../../options/parse-values.js';
import type { AlertRule } from '../../../screens/alerts/parse-rule.js';
import type { RuleFields } from '../../../screens/alerts/rule-fields.js';
import type { Env } from '../../../sources/source-names.js';
import type { RuleText } from './parse-rules.js';

/** What `--changes`, `--alert`, `--notify-cmd`, `--webhook` and `--watch` ask of one data run. */
export interface ChangeSettings {
  /** `--changes`: compare with the previous run of the same command and arguments. */
  changes: boolean;
  /** The alert rules in force: `--alert`s, else the config file's `[alerts]` for the command. */
  rules: AlertRule[];
  notifyCmd: string | undefined;
  webhook: string | undefined;
  /** `--watch`: the interval in ms, `default` (the sources' shortest TTL), or undefined (no watch). */
  watch: number | 'default' | undefined;
  /** Where `--changes` keeps this command line's shown rows in the run memory. */
  memoryKey: string;
}

type ChangeValues = OptionValues<ReturnType<typeof changeOptions>>;

/**
 * The change settings of a command line. `identity` is what makes two runs "the same command and
 * arguments" (the command, its parsed options, `--limit` and `--sources`): hashed into the key.
 * @throws QahtError QAHT_ERR_USAGE for a rule that does not parse (its position named), flags
 *   that cannot go together, or a notification with no rule to fire it.
 */
export async function toChangeSettings(input: {
  command: string;
  values: ChangeValues;
  sources: Readonly<Record<string, ValueSource>>;
  fields: () => Promise<RuleFields<never>>;
  config: ConfigFile | undefined;
  format: 'table' | 'json' | 'csv';
  env: Env;
  identity: unknown;
}): Promise<ChangeSettings> {
  const { values, sources, command } = input;
  // Rules on the command line replace the config file's: flags win over it.
  const texts = values.alerts.length > 0 ? flagRules(values.alerts) : configRules(input);
  // The parser is loaded only by a run that has rules.
  const rules = texts.length > 0 ? (await import('./parse-rules.js')).parseRules(texts, await input.fields()) : [];
  const watch =
    values.watch === undefined
      ? undefined
      : (watchIntervalOverride(input.env) ?? (values.watch === true ? 'default' : values.watch * 1000));
  if (watch !== undefined) {
    if (input.format !== 'table') throw usageError(`--watch draws a table: it cannot be combined with --${input.format}`);
    if (values.changes) throw usageError('--watch marks what changed in place: it cannot be combined with --changes');
  }
  for (const [key, flag] of [
    ['notifyCmd', '--notify-cmd'],
    ['webhook', '--webhook'],
  ] as const) {
    if (values[key] !== undefined && sources[key] === 'flag' && rules.length === 0) {
      throw usageError(`${flag} sends fired alerts: give --alert RULE too (or [alerts] ${command} in the config file)`);
    }
  }
  const digest = createHash('sha256').update(JSON.stringify(input.identity)).digest('hex').slice(0, 32);
  return {
    changes: values.changes,
    rules,
    notifyCmd: values.notifyCmd,
    webhook: values.webhook,
    watch,
    memoryKey: `changes:${command}:${digest}`,
  };
}

function flagRules(texts: readonly string[]): RuleText[] {
  return texts.map((text) => ({ text, where: `--alert ${quoteValue(text)}` }));
}

function configRules(input: { command: string; config: ConfigFile | undefined }): RuleText[] {
  const texts = input.config?.alerts[input.command] ?? [];
  return texts.map((text, index) => ({ text, where: `${input.config!.label('alerts', input.command)} rule ${index + 1}` }));
}

/** `SCREEN_WATCH_INTERVAL_MS`: the watch interval in ms instead of `--watch`'s (tests and demos). */
export const WATCH_INTERVAL_ENV = 'SCREEN_WATCH_INTERVAL_MS';
const WATCH_INTERVAL_RANGE_MS = { min: 50, max: 86_400_000 };

function watchIntervalOverride(env: Env): number | undefined {
  const raw = env[WATCH_INTERVAL_ENV]?.trim();
  if (!raw) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= WATCH_INTERVAL_RANGE_MS.min && value <= WATCH_INTERVAL_RANGE_MS.max)) {
    throw usageError(
      `${WATCH_INTERVAL_ENV} must be a whole number of ms from ${WATCH_INTERVAL_RANGE_MS.min} to ${WATCH_INTERVAL_RANGE_MS.max}, got ${quoteValue(raw)}`,
    );
  }
  return value;
}

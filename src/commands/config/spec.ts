import type { ConfigFile } from '../../options/config-file.js';
import { switchOption } from '../../options/option-record.js';
import { quoteValue, usageError } from '../../options/parse-values.js';
import { resolveOptions } from '../../options/resolve-options.js';
import type { CommandSpec } from '../command-spec.js';
import type { SettingInForce } from '../data/spec.js';

const CONFIG_OPTIONS = [switchOption('json', '--json', 'JSON on stdout')] as const;
const ACTIONS = ['path', 'show', 'watchlists'] as const;
const DATA_COMMANDS = ['crypto', 'news', 'market'] as const;

interface ConfigOptions {
  action: (typeof ACTIONS)[number];
  json: boolean;
  path: string;
  file: ConfigFile | undefined;
}

/** What `screen config` found. */
export interface ConfigView {
  path: string;
  found: boolean;
  /** `show`: each data command's settings in force. */
  commands?: Record<string, SettingInForce[]>;
  watchlists?: Readonly<Record<string, readonly string[]>>;
  alerts?: Readonly<Record<string, readonly string[]>>;
}

/**
 * `screen config path|show [--json]`: where the config file is (`--config`, `SCREEN_CONFIG`, or
 * the XDG place) and whether it is there; `show` adds what is in force for each data command
 * without flags (environment > config file > default, each value with where it came from), the
 * watchlists and the alert rules. A malformed file is exit 2 here too, naming its line.
 */
export const configCommand: CommandSpec<ConfigOptions, ConfigView> = {
  args: [
    {
      name: '<action>',
      description: 'path: where the config file is; show: what is in force; watchlists: the names of its lists',
      choices: ACTIONS,
    },
  ],
  options: CONFIG_OPTIONS,
  usesConfig: true,
  parse(input) {
    const action = ACTIONS.find((candidate) => candidate === input.args[0]);
    if (!action) throw usageError(`config takes path, show or watchlists, got ${quoteValue(input.args[0] ?? '')}`);
    const { json } = resolveOptions(CONFIG_OPTIONS, input.raw, input.env).values;
    return { action, json, path: input.configPath ?? '', file: input.config };
  },
  async run(context, options) {
    const view: ConfigView = { path: options.path, found: options.file !== undefined };
    if (options.action === 'path') return view;
    if (options.action === 'watchlists') return { ...view, watchlists: options.file?.watchlists ?? {} };
    const [{ settingsInForce }, ...specs] = await Promise.all([
      import('../data/spec.js'),
      import('../crypto/spec.js').then((module) => module.cryptoCommand),
      import('../news/spec.js').then((module) => module.newsCommand),
      import('../market/spec.js').then((module) => module.marketCommand),
    ]);
    view.commands = Object.fromEntries(
      DATA_COMMANDS.map((name, index) => [name, settingsInForce(name, specs[index]!.options, context.env, options.file)]),
    );
    view.watchlists = options.file?.watchlists ?? {};
    view.alerts = options.file?.alerts ?? {};
    return view;
  },
  async render(view, options, view_) {
    if (options.json) {
      const { commands, ...rest } = view;
      const document = {
        ...rest,
        ...(commands
          ? {
              commands: Object.fromEntries(
                Object.entries(commands).map(([name, settings]) => [
                  name,
                  Object.fromEntries(settings.map((s) => [s.name, { value: s.value ?? null, from: s.from }])),
                ]),
              ),
            }
          : {}),
      };
      return { stdout: `${JSON.stringify(document, null, 2)}\n`, stderr: '' };
    }
    // One name a line, for shell completion of --watchlist (and `| xargs`).
    if (options.action === 'watchlists' && !options.json) {
      const names = Object.keys(view.watchlists ?? {});
      return { stdout: names.length > 0 ? `${names.join('\n')}\n` : '', stderr: '' };
    }
    if (options.action === 'path') {
      return {
        stdout: `${view.path}\n`,
        stderr: view.found || view_.quiet ? '' : `${view_.bin}: no config file there: built-in defaults apply\n`,
      };
    }
    const chalk = view_.stdout.chalk;
    const lines = [`config file  ${view.path}${view.found ? '' : ' (not found: built-in defaults apply)'}`];
    for (const [name, settings] of Object.entries(view.commands ?? {})) {
      lines.push('', chalk.bold(`[${name}]`));
      const width = Math.max(...settings.map((setting) => setting.name.length));
      for (const setting of settings) {
        const from = setting.from === 'config' ? 'config file' : setting.from;
        lines.push(`  ${setting.name.padEnd(width)}  ${(setting.text ?? '–').padEnd(24)}  ${chalk.dim(from)}`);
      }
    }
    for (const [title, lists] of [
      ['watchlists', view.watchlists],
      ['alerts', view.alerts],
    ] as const) {
      lines.push('', chalk.bold(`[${title}]`));
      const entries = Object.entries(lists ?? {});
      if (entries.length === 0) lines.push('  (none)');
      for (const [name, items] of entries) lines.push(`  ${name} = ${items.map((item) => JSON.stringify(item)).join(', ')}`);
    }
    return { stdout: `${lines.join('\n')}\n`, stderr: '' };
  },
};

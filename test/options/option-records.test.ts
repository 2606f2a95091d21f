import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-index.js';
import { main } from '../../src/cli/main.js';
import type { CommandSpec } from '../../src/commands/command-spec.js';
import { defaultText, longFlag, type OptionRecord } from '../../src/options/option-record.js';
import { LOCAL_RUN_OPTIONS, RUN_OPTIONS } from '../../src/options/run-options.js';

/**
 * The option records are the one place an option is described: `--help` prints from them, and
 * the README's option tables must say what they say (flag, default, environment variable).
 */

type Record_ = OptionRecord<string, unknown>;

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The data options are the last records of every data command's spec (see `dataCommand`). */
const DATA_OPTION_FLAGS = [
  '--force-refresh',
  '--offline',
  '--json',
  '--csv',
  '--limit',
  '--sources',
  '--strict',
  '--metrics-file',
  '--output',
  '--timing',
  '--changes',
  '--alert',
  '--notify-cmd',
  '--webhook',
  '--watch',
  '--watchlist',
];

async function specs(): Promise<Array<{ name: string; spec: CommandSpec<unknown, unknown> }>> {
  return Promise.all(COMMANDS.map(async (entry) => ({ name: entry.name, spec: await entry.load() })));
}

async function helpOf(command: string): Promise<string> {
  let out = '';
  const code = await main(['node', 'screen', command, '--help'], {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: () => true },
    // Wide enough that commander never wraps a help line.
    env: { COLUMNS: '1000' },
  });
  expect(code).toBe(0);
  return out;
}

/** The help line of an option: `  --timeout-ms <ms>   per-request timeout in ms (…; default: 30000; env: …)`. */
function helpLine(help: string, record: Record_): string | undefined {
  return help.split('\n').find((line) => line.trimStart().startsWith(`${record.flags} `));
}

interface TableRow {
  flags: string[];
  default: string;
  env: string;
}

/** The option tables of the README section whose heading contains `heading`: | option | default | env | meaning |. */
function readmeRows(heading: string): TableRow[] {
  const start = README.split('\n').findIndex((line) => line.startsWith('#') && line.includes(heading));
  expect(start, `README has a section "${heading}"`).toBeGreaterThanOrEqual(0);
  const lines = README.split('\n').slice(start + 1);
  const end = lines.findIndex((line) => line.startsWith('#'));
  const rows: TableRow[] = [];
  for (const line of lines.slice(0, end === -1 ? undefined : end)) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.length < 4 || !cells[0]!.includes('`--')) continue;
    rows.push({
      flags: [...cells[0]!.matchAll(/`(--[a-z-]+)/g)].map((match) => match[1]!),
      default: cells[1]!,
      env: cells[2]!,
    });
  }
  expect(rows.length, `README section "${heading}" has an option table`).toBeGreaterThan(0);
  return rows;
}

function expectRowMatches(rows: TableRow[], record: Record_, defaults: string[], where: string): void {
  const row = rows.find((candidate) => candidate.flags.includes(longFlag(record)));
  expect(row, `${longFlag(record)} in the README table of ${where}`).toBeDefined();
  const shown = [...new Set(defaults)];
  if (shown.length === 0) expect(row!.default, `${longFlag(record)} default`).toBe('–');
  for (const text of shown) expect(row!.default, `${longFlag(record)} default`).toContain(text);
  expect(row!.env, `${longFlag(record)} env`).toBe(record.env ? `\`${record.env}\`` : '–');
}

describe('option records', () => {
  it('are what --help prints for every command: flags, description, default and environment variable', async () => {
    for (const { name, spec } of await specs()) {
      const help = await helpOf(name);
      const records: Record_[] = [...spec.options, ...(spec.runOptions ?? RUN_OPTIONS)];
      for (const record of records) {
        const line = helpLine(help, record);
        expect(line, `screen ${name} --help lists ${record.flags}`).toBeDefined();
        expect(line).toContain(record.description);
        const shown = defaultText(record);
        if (shown !== undefined) expect(line).toContain(`default: ${shown}`);
        else expect(line).not.toContain('default:');
        if (record.env) expect(line).toContain(`env: ${record.env}`);
        else expect(line).not.toContain('env:');
        for (const choice of record.choices ?? []) expect(line).toContain(choice);
      }
      // Nothing in help that no record describes (but commander's own --help).
      const listed = help.split('\n').filter((line) => /^\s+--/.test(line));
      expect(listed.length).toBe(records.length);
    }
  });

  it('status and cache take only the run options that mean something without a request: no timeout, retries, pacing or log', async () => {
    for (const name of ['status', 'cache']) {
      const help = await helpOf(name);
      for (const flag of ['--timeout-ms', '--max-retries', '--pace-ms', '--retry-base-ms', '--log-level', '--log-file']) {
        expect(help, `screen ${name} --help`).not.toContain(flag);
      }
      expect(help).toContain('--cache-dir');
    }
    // Their environment variables cannot fail them either.
    const run = await main(['node', 'screen', 'status', '--json'], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      env: { SCREEN_TIMEOUT_MS: 'soon', LOG_LEVEL: 'loud', SCREEN_CACHE_DIR: '/nonexistent/qaht-status' },
    });
    expect(run).toBe(0);
  });

  it('give every option of a command its own key and long flag', async () => {
    for (const { name, spec } of await specs()) {
      const records = [...spec.options, ...(spec.runOptions ?? RUN_OPTIONS)];
      expect(new Set(records.map((record) => record.key)).size, name).toBe(records.length);
      expect(new Set(records.map(longFlag)).size, name).toBe(records.length);
    }
  });

  it('every valued option has a parser, and only switches go without', async () => {
    for (const { spec } of await specs()) {
      const records: Record_[] = [...spec.options, ...(spec.runOptions ?? RUN_OPTIONS)];
      for (const record of records) {
        // `--watch [seconds]` takes a value that may be left out: a valued option all the same.
        expect(record.type === 'switch', record.flags).toBe(!/[<[]/.test(record.flags));
        expect(record.parse === undefined, record.flags).toBe(record.type === 'switch');
      }
    }
  });

  it("match the README's option tables: flag, default and environment variable", async () => {
    // The run options every command takes, then those only the commands that fetch take.
    const runRows = readmeRows('Options every command takes');
    for (const record of LOCAL_RUN_OPTIONS) expectRowMatches(runRows, record, [defaultText(record)].filter(isText), 'every command');
    const fetchingRows = readmeRows('Options every data command takes');
    const runOptions: readonly Record_[] = RUN_OPTIONS;
    for (const record of runOptions.filter((option) => !LOCAL_RUN_OPTIONS.includes(option))) {
      expectRowMatches(fetchingRows, record, [defaultText(record)].filter(isText), 'every data command');
    }

    const all = await specs();
    const data = all.filter(({ spec }) => spec.options.some((record) => longFlag(record) === '--force-refresh'));
    expect(data.map(({ name }) => name)).toEqual(['crypto', 'news', 'market']);
    const dataRows = readmeRows('Options every data command takes');
    for (const flag of DATA_OPTION_FLAGS) {
      const perCommand = data.map(({ name, spec }) => ({ name, record: spec.options.find((record) => longFlag(record) === flag)! }));
      const defaults = perCommand.map(({ record }) => defaultText(record)).filter(isText);
      // A default that differs per command (--limit) is listed per command.
      const cell = new Set(defaults).size > 1 ? perCommand.map(({ name, record }) => `${name} ${defaultText(record)}`) : defaults;
      expectRowMatches(dataRows, perCommand[0]!.record, cell, 'every data command');
    }

    const sections: Record<string, string> = {
      crypto: '`screen crypto`',
      news: '`screen news',
      market: '`screen market',
      status: '`screen status`',
      cache: '`screen status`',
      config: '`screen config`',
      serve: '`screen serve`',
      eval: '`screen eval`',
      history: '`screen history`',
    };
    for (const { name, spec } of all) {
      const own = spec.options.filter((record) => !DATA_OPTION_FLAGS.includes(longFlag(record)) || !data.some((d) => d.name === name));
      if (own.length === 0) continue;
      const rows = readmeRows(sections[name]!);
      for (const record of own) expectRowMatches(rows, record, [defaultText(record)].filter(isText), `screen ${name}`);
    }
  });
});

function isText(value: string | undefined): value is string {
  return value !== undefined;
}

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-index.js';
import type { CommandSpec } from '../../src/commands/command-spec.js';
import { longFlag, type OptionRecord } from '../../src/options/option-record.js';
import { RUN_OPTIONS } from '../../src/options/run-options.js';
import { cleanEnv, type CliRun, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/**
 * Bad option values (issue 13, item 10): each is exit 2 with one line that quotes at most a short
 * part of the value, before any work: never the default, never a stack trace, never a folder
 * named after the next flag. In-process through `main`, so the fuzz over every record is quick.
 */

type Record_ = OptionRecord<string, unknown>;

const TEN_K = 'x'.repeat(10_000);
/** What the one line may quote of a value, with room for the message around it. */
const LINE_MAX_CHARS = 200;

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await tempCacheDir();
});
afterEach(async () => {
  await removeDir(cacheDir);
});

/**
 * A command line that can do no harm if a value were wrongly accepted: no network (`--offline`,
 * or a command that never fetches), a temp cache. The option under test comes last, so it wins
 * over the `--cache-dir` given here.
 */
function baseArgs(command: string): string[] {
  const prefix: Record<string, string[]> = {
    crypto: ['crypto', '--offline'],
    news: ['news', 'bitcoin', '--offline'],
    market: ['market', '--offline'],
    status: ['status'],
    cache: ['cache', 'ls'],
    completion: ['completion', 'bash'],
    config: ['config', 'path'],
    eval: ['eval'],
    history: ['history', 'status'],
    // Nothing listens before every value is checked; a run without interrupts refuses to start.
    serve: ['serve', '--port', '0'],
  };
  return [...prefix[command]!, '--cache-dir', cacheDir];
}

function expectUsageError(run: CliRun, what: string): void {
  expect(run.code, `${what}: ${run.stderr}`).toBe(2);
  expect(run.stdout, what).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, `${what}: one line`).toHaveLength(1);
  expect(lines[0]!.length, `${what}: a short line`).toBeLessThanOrEqual(LINE_MAX_CHARS);
  expect(run.stderr, what).toMatch(/^screen: /);
  expect(run.stderr, `${what}: no stack trace`).not.toMatch(/\bat .*:\d+:\d+/);
  expect(run.stderr, `${what}: not a bug`).not.toContain('this is a bug');
}

async function specs(): Promise<Array<{ name: string; records: Record_[] }>> {
  return Promise.all(
    COMMANDS.map(async (entry) => {
      const spec: CommandSpec<unknown, unknown> = await entry.load();
      return { name: entry.name, records: [...spec.options, ...(spec.runOptions ?? RUN_OPTIONS)] };
    }),
  );
}

/**
 * The bad values a record must refuse. Numbers refuse all of them (zero only when their range
 * starts above it); a choice or a list of fixed names refuses every one; free text and paths
 * refuse what no name can be: nothing, 10k characters, the next option.
 */
function badValues(record: Record_): Array<[string, string[]]> {
  const always: Array<[string, string[]]> = [
    ['empty', ['']],
    ['blank', ['   ']],
    ['10k characters', [TEN_K]],
    ['the next option as its value', ['--quiet']],
  ];
  const numeric: Array<[string, string[]]> = [
    ['negative', ['-1']],
    ['huge', ['99999999999999999999']],
    ['1e999', ['1e999']],
    ['NaN', ['NaN']],
    ['10k digits', ['9'.repeat(10_000)]],
  ];
  const zero: Array<[string, string[]]> = [['zero', ['0']]];
  switch (record.type) {
    case 'integer':
    case 'amount':
      return [...always, ...numeric, ...((record.range?.min ?? 0) > 0 ? zero : [])];
    case 'duration':
      return [...always, ...numeric, ['zero', ['0h']]];
    case 'choice':
      return [...always, ...numeric, ...zero];
    case 'list':
      return record.choices ? [...always, ...numeric, ...zero] : [...always, ['negative', ['-1']]];
    case 'url':
      return [...always, ['another scheme', ['bogus://x']], ['a port out of range', ['redis://127.0.0.1:0']]];
    case 'path':
    case 'text':
    case 'switch':
      return always;
  }
}

describe('every option record refuses bad values: exit 2, one line, no stack trace (fuzz)', () => {
  it('for every valued option of every command', async () => {
    let runs = 0;
    for (const { name, records } of await specs()) {
      for (const record of records.filter((candidate) => candidate.type !== 'switch')) {
        for (const [what, value] of badValues(record)) {
          const run = await runMain([...baseArgs(name), longFlag(record), ...value], cleanEnv());
          expectUsageError(run, `screen ${name} ${longFlag(record)} (${what})`);
          runs++;
        }
      }
    }
    // Guards the loop itself: every command, each with its own and its run options.
    expect(runs).toBeGreaterThan(250);
  });

  it('from the environment too, naming the variable', async () => {
    const runOptions: readonly Record_[] = RUN_OPTIONS;
    for (const record of runOptions.filter((candidate) => candidate.env !== undefined && candidate.type === 'integer')) {
      const run = await runMain(baseArgs('crypto'), cleanEnv({ [record.env!]: 'lots' }));
      expectUsageError(run, record.env!);
      expect(run.stderr).toContain(record.env!);
    }
  });
});

describe('the bad values of issue 13', () => {
  it('--timeout-ms "" is a usage error, not the default', async () => {
    const run = await runMain([...baseArgs('crypto'), '--timeout-ms', ''], cleanEnv());
    expectUsageError(run, '--timeout-ms ""');
    expect(run.stderr).toBe('screen: --timeout-ms needs a value, got an empty one\n');
  });

  it('--min-volume 1e999 (Infinity to Number) is refused', async () => {
    const run = await runMain([...baseArgs('crypto'), '--min-volume', '1e999'], cleanEnv());
    expectUsageError(run, '--min-volume 1e999');
    expect(run.stderr).toMatch(/--min-volume must be at most .*, got "1e999"/);
  });

  it('quotes at most 60 characters of a 10k-character value (its start and end), and says how long it was', async () => {
    const value = `head${'x'.repeat(9_992)}tail`;
    const run = await runMain([...baseArgs('crypto'), '--sort', value], cleanEnv());
    expectUsageError(run, '--sort 10k');
    expect(run.stderr).toContain(`got "head${'x'.repeat(16)}…${'x'.repeat(35)}tail" (10000 characters)`);
    expect(run.stderr).not.toContain('x'.repeat(36));
  });

  it('--cache-dir --json does not take --json as the folder (and creates nothing)', async () => {
    const before = await readdir(process.cwd());
    const run = await runMain(['crypto', '--offline', '--cache-dir', '--json'], cleanEnv({ SCREEN_CACHE_DIR: cacheDir }));
    expectUsageError(run, '--cache-dir --json');
    expect(run.stderr).toBe('screen: --cache-dir needs a value, got the option "--json"\n');
    expect(existsSync(resolve('--json'))).toBe(false);
    expect(await readdir(process.cwd())).toEqual(before);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('a value given as --flag=value is judged the same way', async () => {
    expectUsageError(await runMain([...baseArgs('crypto'), '--limit='], cleanEnv()), '--limit=');
    expectUsageError(await runMain([...baseArgs('crypto'), '--top=0'], cleanEnv()), '--top=0');
  });

  it('a blank environment variable counts as unset; a flag beats the environment', async () => {
    const blank = await runMain([...baseArgs('crypto'), '--json'], cleanEnv({ SCREEN_TIMEOUT_MS: '  ' }));
    expect(blank.code, blank.stderr).toBe(1); // offline with an empty cache: no results, but no usage error
    const flagWins = await runMain([...baseArgs('crypto'), '--json', '--timeout-ms', '5000'], cleanEnv({ SCREEN_TIMEOUT_MS: 'lots' }));
    expect(flagWins.code, flagWins.stderr).toBe(1);
  });

  it('an unknown option of 10k characters is one short line too', async () => {
    const run = await runMain(['crypto', `--${TEN_K}`], cleanEnv());
    expectUsageError(run, 'unknown 10k option');
    expect(run.stderr).toMatch(/unknown option/);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-index.js';
import { longFlag } from '../../src/options/option-record.js';
import { RUN_OPTIONS } from '../../src/options/run-options.js';
import { BIN, cleanEnv, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/**
 * `screen completion bash|zsh|fish`, run in the real shells: each script is loaded the way the
 * README says and asked to complete command lines (bash through its completion variables, fish
 * through `complete -C`, zsh through a pseudo-terminal with zpty). `.ci/run` installs zsh and
 * fish; a shell that is missing skips its test and says so.
 */

const has = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
const shells = { bash: has('bash'), zsh: has('zsh'), fish: has('fish') };
for (const [shell, found] of Object.entries(shells)) {
  if (!found) console.warn(`note: ${shell} is not installed: its completion test is skipped`);
}

let dir: string;
const scripts: Record<string, string> = {};
beforeAll(async () => {
  dir = await tempCacheDir();
  for (const shell of ['bash', 'zsh', 'fish']) {
    const run = await runMain(['completion', shell], cleanEnv({ SCREEN_CACHE_DIR: dir }));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    scripts[shell] = join(dir, `completion.${shell}`);
    await writeFile(scripts[shell]!, run.stdout);
  }
});
afterAll(async () => {
  await removeDir(dir);
});

function shell(program: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(program, args, { encoding: 'utf8', input, timeout: 20_000, env: { ...process.env, HOME: dir, ...env } });
  expect(result.status, `${program}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** What bash's completion offers for the words, the last one being completed. */
function bashCompletes(words: string[]): string[] {
  const array = words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const out = shell('bash', [
    '-c',
    `source '${scripts.bash}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _screen_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return out.split('\n').filter(Boolean);
}

describe('screen completion', () => {
  it.skipIf(!shells.bash || !shells.fish)("--watchlist: the names of the config file's lists, asked of the program itself", async () => {
    // The program as the user's shell finds it: `screen` on PATH (here a shim to the built bin).
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'screen'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
    const config = join(dir, 'config.toml');
    await writeFile(config, '[watchlists]\nmajors = ["BTC", "ETH"]\nmemes = ["DOGE"]\n');
    const env = { PATH: `${bin}:${process.env.PATH}`, SCREEN_CONFIG: config };
    const bash = shell(
      'bash',
      [
        '-c',
        `source '${scripts.bash}'; COMP_WORDS=(screen crypto --watchlist m); COMP_CWORD=3; _screen_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      undefined,
      env,
    );
    expect(bash.split('\n').filter(Boolean).sort()).toEqual(['majors', 'memes']);
    const fish = shell('fish', ['-c', `source '${scripts.fish}'; complete -C 'screen news --watchlist '`], undefined, env);
    expect(
      fish
        .split('\n')
        .map((line) => line.split('\t')[0])
        .filter(Boolean)
        .sort(),
    ).toEqual(['majors', 'memes']);
  });

  it('refuses an unknown shell with one line and exit 2', async () => {
    const run = await runMain(['completion', 'tcsh'], cleanEnv());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('screen: unknown shell "tcsh"; use bash, zsh, fish\n');
  });

  it.skipIf(!shells.bash)('bash: commands, every option of each command from its records, choices, source lists, positionals', async () => {
    expect(bashCompletes(['screen', ''])).toEqual(expect.arrayContaining(COMMANDS.map((entry) => entry.name)));
    expect(bashCompletes(['qaht', 'ma'])).toEqual(['market']);
    for (const entry of COMMANDS) {
      const spec = await entry.load();
      const flags = [...spec.options, ...(spec.runOptions ?? RUN_OPTIONS)].map(longFlag);
      expect(bashCompletes(['screen', entry.name, '--']).sort(), entry.name).toEqual([...flags, '--help'].sort());
    }
    expect(bashCompletes(['screen', 'crypto', '--sort', ''])).toEqual([
      'score',
      'change24h',
      'change7d',
      'volume',
      'mcap',
      'turnover',
      'rvol',
      'rs7d',
      'squeeze',
      'rsi',
    ]);
    expect(bashCompletes(['screen', 'market', '--sort', 'v'])).toEqual(['volume']);
    expect(bashCompletes(['screen', 'news', '--sources', 'hn,g'])).toEqual(['hn,google_news', 'hn,gdelt']);
    // A source already in the list is not offered again.
    expect(bashCompletes(['screen', 'crypto', '--sources', 'coingecko,'])).toEqual(['coingecko,binance', 'coingecko,coincap']);
    expect(bashCompletes(['screen', 'crypto', '--log-level', 'de'])).toEqual(['debug']);
    expect(bashCompletes(['screen', 'cache', ''])).toEqual(['ls', 'clear']);
    expect(bashCompletes(['screen', 'cache', 'clear', 'co'])).toEqual(['coingecko', 'coincap']);
    expect(bashCompletes(['screen', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    // A path: file names.
    await writeFile(join(dir, 'watchlist.txt'), 'AAPL\n');
    expect(bashCompletes(['screen', 'market', '--symbols-file', join(dir, 'watch')])).toEqual([join(dir, 'watchlist.txt')]);
  });

  it.skipIf(!shells.fish)('fish: commands with their summaries, options, choices and positionals, for qaht too', () => {
    const complete = (line: string): string[] =>
      shell('fish', ['-c', `source '${scripts.fish}'; complete -C '${line}'`])
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.split('\t')[0]!);
    expect(complete('screen ')).toEqual(expect.arrayContaining(['crypto', 'news', 'market', 'status', 'cache', 'completion']));
    expect(complete('screen crypto --so')).toEqual(['--sort', '--sources']);
    expect(complete('qaht crypto --sort ').sort()).toEqual([
      'change24h',
      'change7d',
      'mcap',
      'rs7d',
      'rsi',
      'rvol',
      'score',
      'squeeze',
      'turnover',
      'volume',
    ]);
    expect(complete('screen cache ').sort()).toEqual(['clear', 'ls']);
    expect(complete('screen cache ls ')).toEqual(expect.arrayContaining(['coingecko', 'stooq']));
  });

  it.skipIf(!shells.zsh)('zsh: completes commands, option values and positionals at a real prompt', () => {
    // Each probe types a line and Tab Tab, then waits until the listing shows the word expected last.
    const probes: Array<[string, string]> = [
      ['screen cr', 'screen crypto'],
      ['screen crypto --sort ', 'turnover'],
      ['qaht cache ', 'clear'],
      ['screen cache clear ', 'google_news'],
      ['screen market --log-level ', 'silent'],
    ];
    const lines = [
      'zmodload zsh/zpty',
      "zpty z 'zsh -f -i'",
      `zpty -w z 'PS1="> "; autoload -U compinit && compinit -u -D; source ${scripts.zsh}; print READY'`,
      "zpty -r -m z out '*READY*'",
      ...probes.flatMap(([line, expected]) => [
        `zpty -w -n z ${`'${line}'`}$'\\t\\t'`,
        `zpty -r -m z out '*${expected}*' && print -r -- 'found: ${expected}'`,
        // Ctrl-U clears the line for the next probe.
        "zpty -w -n z $'\\x15'",
      ]),
      'zpty -d z',
    ];
    const out = shell('zsh', ['-f'], `${lines.join('\n')}\n`);
    expect(out.split('\n').filter((line) => line.startsWith('found: '))).toEqual(probes.map(([, expected]) => `found: ${expected}`));
  });
});

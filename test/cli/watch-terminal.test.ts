import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, removeDir, tempCacheDir } from '../helpers/run-cli.js';

/**
 * `screen crypto --watch 5 --demo` on a real terminal (issue 18, "Must show"): tmux on its own
 * socket runs the built bin in a pane; the test reads the pane, sees the table redrawn, types `q`,
 * and checks the terminal is back as it was (main screen, cursor shown, the line printed before
 * the watch still there) and the exit code 0. SCREEN_WATCH_INTERVAL_MS (documented for tests)
 * makes the 5 s interval 300 ms; nothing else differs from a user's run.
 */

const run = promisify(execFile);

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let cacheDir: string;
let socket: string;
beforeEach(async () => {
  cacheDir = await tempCacheDir();
  socket = `qaht-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
});
afterEach(async () => {
  await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
  await removeDir(cacheDir);
});

function tmux(...args: string[]): Promise<string> {
  return run('tmux', ['-L', socket, ...args]).then((result) => result.stdout);
}

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${await tmux('capture-pane', '-p', '-t', 'w').catch(() => '')}`);
}

describe.skipIf(!hasTmux)('--watch on a terminal (tmux)', () => {
  it('redraws the table in place at least twice, q ends it with exit 0, and the terminal is restored', async () => {
    const command = [process.execPath, BIN, 'crypto', '--watch', '5', '--demo', '--limit', '5', '--cache-dir', cacheDir]
      .map(quote)
      .join(' ');
    const env = cleanEnv({ TERM: 'xterm-256color', SCREEN_WATCH_INTERVAL_MS: '300' });
    const envArgs = Object.entries(env).flatMap(([name, value]) =>
      value === undefined || !/^[A-Z_][A-Z0-9_]*$/.test(name) ? [] : ['-e', `${name}=${value}`],
    );
    await tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-x',
      '120',
      '-y',
      '40',
      '-s',
      'w',
      ...envArgs,
      `echo BEFORE-WATCH; ${command}; echo EXIT=$?; sleep 60`,
    );

    const pane = (): Promise<string> => tmux('capture-pane', '-p', '-t', 'w');
    const updates = new Set<string>();
    await waitFor('two redraws', async () => {
      const screen = await pane();
      for (const match of screen.matchAll(/update (\d+)/g)) updates.add(match[1]!);
      return updates.size >= 2 && screen.includes('next refresh');
    });
    const during = await pane();
    expect(during).toContain('screen crypto · every 300ms');
    expect(during).toMatch(/coingecko (fresh|cached)/);
    expect(during).toContain('Symbol');
    expect(during).not.toContain('BEFORE-WATCH'); // the alternate screen hides what was there
    expect((await tmux('display', '-p', '-t', 'w', '#{alternate_on} #{cursor_flag}')).trim()).toBe('1 0');

    await tmux('send-keys', '-t', 'w', 'q');
    await waitFor('the exit', async () => (await pane()).includes('EXIT='));
    const after = await pane();
    expect(after).toContain('EXIT=0');
    expect(after).toContain('BEFORE-WATCH');
    expect(after).not.toContain('Symbol');
    expect((await tmux('display', '-p', '-t', 'w', '#{alternate_on} #{cursor_flag}')).trim()).toBe('0 1');
  });
});

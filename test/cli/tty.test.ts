import { execFileSync, spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/**
 * The terminal edge: on a TTY the table is coloured, piped it is not (CONTRACT, "Colour follows
 * chalk's rules"). util-linux `script` gives the bin a real pseudo-terminal.
 */

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs the bin on a pseudo-terminal: stdout and stderr both arrive on the terminal, so they are merged. */
function runOnTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await tempCacheDir();
});
afterEach(async () => {
  await removeDir(cacheDir);
});

describe.skipIf(!hasScript)('on a terminal', () => {
  it('colours the table and the status words; piped, the same run has no escape codes', async () => {
    const args = ['crypto', '--demo', '--limit', '3', '--cache-dir', cacheDir];
    const env = cleanEnv({ NO_COLOR: undefined, TERM: 'xterm-256color' });
    const piped = await runMain(args, env);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('Symbol');
    expect(piped.stdout + piped.stderr).not.toContain('\u001b[');

    // Served from what the piped run cached, so the terminal run is quick.
    const onTerminal = await runOnTerminal(args, env);
    expect(onTerminal.code, onTerminal.output).toBe(0);
    expect(onTerminal.output).toContain('\u001b[1mSymbol\u001b[22m');
    expect(onTerminal.output).toMatch(/\u001b\[36mcached/);
  });
});

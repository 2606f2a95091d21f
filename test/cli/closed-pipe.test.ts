import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, removeDir, tempCacheDir } from '../helpers/run-cli.js';

/**
 * Runs the bin and closes its stdout after the first chunk, as `screen crypto | head -1` does.
 * @returns the exit code and everything written to stderr
 */
function runAndCloseStdout(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that goes away (`screen crypto | head -1`)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await tempCacheDir();
    env = cleanEnv({ SCREEN_CACHE_DIR: join(dir, 'cache'), SCREEN_STATE_DIR: join(dir, 'state') });
  });

  afterAll(async () => {
    await removeDir(dir);
  });

  // 250 rows of JSON (about 200 KB) and of table: far more than a pipe holds, so the write after
  // the reader has gone fails with EPIPE.
  for (const format of [['--json'], ['--csv'], []]) {
    it(`ends ${format[0] ?? 'the table'} quietly: exit 0, no stack trace, the run's report still on stderr`, async () => {
      const run = await runAndCloseStdout(['crypto', '--demo', '--limit', '250', ...format], env);
      expect(run.stderr).not.toMatch(/EPIPE|Error|at .*\(/);
      expect(run.stderr).toContain('timing: run');
      expect(run.code).toBe(0);
    });
  }
});

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatherStatus } from '../../src/commands/status/run.js';
import { createRunContext } from '../../src/runtime/run-context.js';
import { resolveRunSettings, storeDirs } from '../../src/options/run-options.js';
import { HOST_TAG } from '../../src/store/file/temp-names.js';
import { removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/** A pid above Linux's pid_max: no process has it. */
const DEAD_PID = 4_194_304 + 1;

/**
 * Where cache and state live (CONTRACT, Environment): an installed package (under
 * `node_modules`) uses the XDG folders, a checkout its top-level `cache/`, and
 * `--cache-dir`/`SCREEN_CACHE_DIR` puts both in one folder. The installed copy itself is run by
 * `.ci/pack-install-run`, which checks that nothing lands under `node_modules`.
 */

let root: string;
beforeEach(async () => {
  root = await tempCacheDir();
});
afterEach(async () => {
  await removeDir(root);
});

describe('storeDirs', () => {
  it('an installed package: cached responses in $XDG_CACHE_HOME/qaht, state in $XDG_STATE_HOME/qaht', () => {
    const installed = join(root, 'lib', 'node_modules', 'qaht');
    const env = { XDG_CACHE_HOME: join(root, 'xdg-cache'), XDG_STATE_HOME: join(root, 'xdg-state') };
    expect(storeDirs(undefined, env, installed)).toEqual({
      cacheDir: join(root, 'xdg-cache', 'qaht'),
      stateDir: join(root, 'xdg-state', 'qaht'),
    });
    // Nothing is created inside the package.
    expect(existsSync(join(installed, 'cache'))).toBe(false);
  });

  it('unset, blank or relative XDG variables mean ~/.cache and ~/.local/state', () => {
    const installed = join(root, 'node_modules', 'qaht');
    const defaults = { cacheDir: join(homedir(), '.cache', 'qaht'), stateDir: join(homedir(), '.local', 'state', 'qaht') };
    expect(storeDirs(undefined, {}, installed)).toEqual(defaults);
    expect(storeDirs(undefined, { XDG_CACHE_HOME: ' ', XDG_STATE_HOME: 'relative/state' }, installed)).toEqual(defaults);
  });

  it('a checkout keeps both in its top-level cache/, or the XDG folders when that cannot be written', async () => {
    const checkout = join(root, 'qaht');
    await mkdir(checkout);
    expect(storeDirs(undefined, {}, checkout)).toEqual({ cacheDir: join(checkout, 'cache'), stateDir: join(checkout, 'cache') });
    const readOnly = join(root, 'read-only');
    await mkdir(readOnly);
    await writeFile(join(readOnly, 'cache'), 'a file where the folder would go');
    const env = { XDG_CACHE_HOME: join(root, 'c'), XDG_STATE_HOME: join(root, 's') };
    expect(storeDirs(undefined, env, readOnly)).toEqual({ cacheDir: join(root, 'c', 'qaht'), stateDir: join(root, 's', 'qaht') });
  });

  it('--cache-dir or SCREEN_CACHE_DIR puts both in one folder, installed or not', () => {
    const installed = join(root, 'node_modules', 'qaht');
    expect(storeDirs('relative/dir', {}, installed)).toEqual({
      cacheDir: join(process.cwd(), 'relative/dir'),
      stateDir: join(process.cwd(), 'relative/dir'),
    });
    const fromEnv = resolveRunSettings({}, { SCREEN_CACHE_DIR: root, XDG_STATE_HOME: '/elsewhere' });
    expect(fromEnv).toMatchObject({ cacheDir: root, stateDir: root });
    expect(resolveRunSettings({ demo: true }, { SCREEN_CACHE_DIR: root })).toMatchObject({
      cacheDir: join(root, 'demo'),
      stateDir: join(root, 'demo'),
    });
  });
});

describe('a run with cache and state apart', () => {
  it('keeps cached responses in the cache dir and state (with its lock and temp files) in the state dir, and status names both', async () => {
    const cacheDir = join(root, 'cache');
    const stateDir = join(root, 'state');
    const settings = { ...resolveRunSettings({ cacheDir }, {}), stateDir };
    // A killed run's leftovers in the state dir: swept by the next run's start.
    await mkdir(stateDir);
    await writeFile(`${join(stateDir, 'state.json')}.${HOST_TAG}-${DEAD_PID}.abc123.tmp`, '{');
    const context = await createRunContext({ settings, env: {}, stderr: { write: () => true }, interactive: false });
    await context.runtime.budgets.consume('alphavantage', 1, 25);
    await context.finish({ command: 'market', sources: [], metricsFile: undefined });
    await context.close();

    expect(await readdir(stateDir)).toEqual(['state.json']);
    expect(JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8'))).toMatchObject({ schema: 1 });
    expect((await readdir(cacheDir)).filter((name) => name.startsWith('state.json'))).toEqual([]);

    const report = await gatherStatus({ cacheDir, stateDir, env: {} });
    expect(report).toMatchObject({ cacheDir, stateDir });
    expect(report.sources.find((source) => source.name === 'alphavantage')?.dailyBudget).toEqual({ limit: 25, usedToday: 1 });
  });

  it('screen status says where both are', async () => {
    const run = await runMain(['status', '--cache-dir', root], { NO_COLOR: '1' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`cache dir: ${root}\n`);
    expect(run.stderr).toContain(`state dir: ${root}\n`);
    const json = JSON.parse((await runMain(['status', '--json', '--cache-dir', root], {})).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ cacheDir: root, stateDir: root });
  });
});

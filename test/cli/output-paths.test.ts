import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { type CliRun, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * Output paths (issue 13, item 6): `--log-file`, `--metrics-file` and `--output` are checked before any fetch.
 * A bad one is exit 2 with one line, nothing on stdout, no request made and no folder created; a
 * path that could hang a run (a FIFO, a folder under /proc) is refused at once.
 */

let api: FakeApi;
let cacheDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
});

function crypto(args: string[]): Promise<CliRun> {
  return runMain(['crypto', '--json', ...args], cryptoEnv(api, cacheDir));
}

function expectRefusedBeforeAnyFetch(run: CliRun, message: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\bat .*:\d+:\d+|this is a bug/);
  expect(api.requests).toHaveLength(0);
}

describe('--log-file, --metrics-file and --output are checked before any fetch', () => {
  it.each([
    ['--log-file', '/'],
    ['--metrics-file', '/'],
    ['--output', '/'],
  ])('%s %s (a folder): exit 2, one line, nothing printed or fetched', async (flag, path) => {
    expectRefusedBeforeAnyFetch(await crypto([flag, path]), new RegExp(`${flag} "/" is a folder, not a file`));
  });

  it('a metrics path that is a directory', async () => {
    const folder = join(cacheDir, 'metrics.prom');
    await mkdir(folder);
    expectRefusedBeforeAnyFetch(await crypto(['--metrics-file', folder]), /--metrics-file ".*" is a folder/);
  });

  it.each(['--log-file', '--metrics-file', '--output'])('%s with a path too long for the system', async (flag) => {
    const longName = join(cacheDir, `${'n'.repeat(300)}.log`);
    expectRefusedBeforeAnyFetch(await crypto([flag, longName]), new RegExp(`${flag}: path too long: ".{1,60}" \\(\\d+ characters\\)`));
    const longPath = join(cacheDir, ...Array.from({ length: 40 }, () => 'd'.repeat(120)), 'x.log');
    expectRefusedBeforeAnyFetch(await crypto([flag, longPath]), /path too long/);
  });

  it.each(['--log-file', '--metrics-file', '--output'])('%s in a missing folder: refused, and the folder is not created', async (flag) => {
    const missing = join(cacheDir, 'no-such-folder');
    expectRefusedBeforeAnyFetch(await crypto([flag, join(missing, 'qaht.out')]), new RegExp(`${flag}: the folder of ".*" does not exist`));
    expect(existsSync(missing)).toBe(false);
  });

  it.each([
    ['--log-file', '/proc/x/log'],
    ['--log-file', '/proc/self/qaht.log'],
    ['--metrics-file', '/proc/self/qaht.prom'],
    ['--output', '/proc/self/qaht.json'],
  ])('%s %s is refused at once (no hang)', async (flag, path) => {
    const startedAt = performance.now();
    const run = await crypto([flag, path]);
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expectRefusedBeforeAnyFetch(run, new RegExp(`${flag}: (the folder of .* does not exist|cannot write to the folder of)`));
  });

  it('a FIFO as the log file is refused, never opened (opening it would block)', async () => {
    const fifo = join(cacheDir, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    expectRefusedBeforeAnyFetch(await crypto(['--log-file', fifo]), /--log-file ".*" is not a regular file/);
  });

  it('a file under a path whose parent is a file', async () => {
    const file = join(cacheDir, 'plain');
    await writeFile(file, 'x');
    expectRefusedBeforeAnyFetch(
      await crypto(['--metrics-file', join(file, 'm.prom')]),
      /--metrics-file: the folder of ".*" is not a folder/,
    );
  });

  it('good paths work: a new log and metrics file in an existing folder, and /dev/null as the log', async () => {
    const out = join(cacheDir, 'out');
    await mkdir(out);
    const run = await crypto(['--log-file', join(out, 'qaht.log'), '--log-level', 'info', '--metrics-file', join(out, 'qaht.prom')]);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(out, 'qaht.log'), 'utf8')).toContain('"msg":"source outcome"');
    expect(await readFile(join(out, 'qaht.prom'), 'utf8')).toContain('qaht_run_timestamp_seconds');
    // The check leaves nothing behind in the folder it tried.
    expect((await readdir(out)).sort()).toEqual(['qaht.log', 'qaht.prom']);
    const toNull = await crypto(['--log-file', '/dev/null', '--log-level', 'info']);
    expect(toNull.code, toNull.stderr).toBe(0);
  });
});

describe('--output FILE', () => {
  it('writes the results there atomically instead of stdout, drawn without colour, and replaces them each run', async () => {
    const out = join(cacheDir, 'out');
    await mkdir(out);
    const file = join(out, 'crypto.json');
    const first = await crypto(['--output', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    const written = JSON.parse(await readFile(file, 'utf8')) as { command: string; results: unknown[] };
    expect(written.command).toBe('crypto');
    expect(written.results.length).toBeGreaterThan(0);

    const table = join(out, 'crypto.txt');
    const drawn = await runMain(['crypto', '--output', table], { ...cryptoEnv(api, cacheDir), FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(drawn.code, drawn.stderr).toBe(0);
    const text = await readFile(table, 'utf8');
    expect(text).toContain('Symbol');
    expect(text).not.toContain('\u001b[');
    // No temp file is left beside them.
    expect((await readdir(out)).sort()).toEqual(['crypto.json', 'crypto.txt']);
  });

  it('a run that exits 1 leaves the file as it was; a degraded run (exit 3) replaces it', async () => {
    const out = join(cacheDir, 'out');
    await mkdir(out);
    const file = join(out, 'crypto.json');
    await writeFile(file, '{"last":"good snapshot"}\n');
    api.fault('*', { status: 503 });
    const failed = await runMain(['crypto', '--json', '--output', file], cryptoEnv(api, join(cacheDir, 'empty')));
    expect(failed.code).toBe(1);
    expect(await readFile(file, 'utf8')).toBe('{"last":"good snapshot"}\n');
    expect((await readdir(out)).sort()).toEqual(['crypto.json']);

    api.clearFaults();
    api.fault('/bn/api/v3/ticker/24hr', { status: 503 });
    const degraded = await crypto(['--strict', '--output', file]);
    expect(degraded.code, degraded.stderr).toBe(3);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ command: 'crypto' });
  });
});

import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli, runMain } from '../helpers/run-cli.js';

/** The bin as a process: what a shell sees (exit codes, stdout, stderr). The rest runs `main` in-process. */
describe('the screen bin', () => {
  it('prints help with --help and exits 0', async () => {
    const run = await runCli(['--help'], cleanEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('crypto');
    expect(run.stdout).toContain('news');
    expect(run.stdout).toContain('market');
  });

  it('prints the package version with --version', async () => {
    const run = await runCli(['--version'], cleanEnv());
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with one line and exit 2', async () => {
    const run = await runMain(['cryptoo'], cleanEnv());
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/unknown command/);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('suggests the nearest command or option for a typo, on the same one line', async () => {
    const command = await runMain(['markte'], cleanEnv());
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("screen: unknown command 'markte' (did you mean market?)\n");
    const option = await runMain(['crypto', '--limt', '5'], cleanEnv());
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("screen: unknown option '--limt' (did you mean --limit?)\n");
    const status = await runMain(['status', '--jsno'], cleanEnv());
    expect(status.stderr).toBe("screen: unknown option '--jsno' (did you mean --json?)\n");
  });

  it('shows examples in the help of the program and of each command', async () => {
    const program = await runMain(['--help'], cleanEnv());
    expect(program.code).toBe(0);
    expect(program.stdout).toMatch(/\nExamples:\n {2}screen crypto +the top coins/);
    for (const command of ['crypto', 'news', 'market', 'status', 'cache']) {
      const help = await runMain([command, '--help'], cleanEnv());
      expect(help.stdout, command).toMatch(new RegExp(`\\nExamples:\\n {2}screen ${command}\\b`));
    }
  });

  it('rejects an unknown flag with one line and exit 2', async () => {
    const run = await runMain(['crypto', '--frobnicate'], cleanEnv());
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it('rejects a bad flag value with one line and exit 2', async () => {
    const run = await runCli(['crypto', '--limit', 'lots'], cleanEnv({ SCREEN_CACHE_DIR: '/tmp/qaht-unused' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--limit expects a positive whole number/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('shows help on stderr and exits 2 with no command', async () => {
    const run = await runCli([], cleanEnv());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: screen');
  });
});

describe('an unwritable cache dir', () => {
  it('is a configuration error: exit 2 with one line naming the directory, no stack trace', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'qaht-unwritable-'));
    // A regular file where a directory should be: unwritable even for root.
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    try {
      const run = await runMain(['crypto', '--offline', '--cache-dir', join(blocker, 'cache')], cleanEnv());
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/cache directory .*not-a-dir.* is not writable/);
      expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('every selected source needs a key that is not set', () => {
  it('is a configuration error (exit 2) naming the variable, not an outage (exit 1)', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'qaht-nokey-'));
    try {
      const run = await runMain(['crypto', '--sources', 'coincap'], cleanEnv({ SCREEN_CACHE_DIR: dir }));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/COINCAP_API_KEY is not set/);
      expect(run.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

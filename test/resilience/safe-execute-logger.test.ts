import { describe, expect, it } from 'vitest';
import { runFixture } from '../fixtures/resilience/run-fixture.js';

// The default logger is process-global (created once, on stderr), so it is observed from a child.
describe('safeExecute default logger', () => {
  it('logs one pino JSON line to stderr at warn by default', async () => {
    const run = await runFixture('default-logger.ts', { env: { LOG_LEVEL: '' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('VALUE fallback\n');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 40,
      name: 'qaht',
      operation: 'fetch prices',
      category: 'connection',
      msg: 'fetch prices failed (connection); using the fallback value',
    });
    expect(entry.err).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('follows LOG_LEVEL', async () => {
    const quiet = await runFixture('default-logger.ts', { env: { LOG_LEVEL: 'error' } });
    expect(quiet.stdout).toBe('VALUE fallback\n');
    expect(quiet.stderr).toBe('');
    const bogus = await runFixture('default-logger.ts', { env: { LOG_LEVEL: 'loud' } });
    expect(JSON.parse(bogus.stderr)).toMatchObject({ level: 40 });
  });
});

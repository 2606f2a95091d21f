import { describe, expect, it } from 'vitest';
import { runFixture } from '../fixtures/resilience/run-fixture.js';

// These spawn real processes on the real clock, on purpose: what is under test is Node's own
// decision to exit, which a fake clock cannot show. Nothing asserts a duration.
describe('process lifetime', () => {
  it('a pending retry keeps the process alive until the retry has run', async () => {
    const run = await runFixture('pending-retry.ts');
    expect(run.stderr).toBe('');
    expect(run.killed).toBe(false);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^WAITING 300\nRETRIED attempt 2 after \d+ms\n$/);
  });

  it('a process whose work is done exits by itself, cancelled waits included', async () => {
    const run = await runFixture('work-done.ts', { env: { LOG_LEVEL: 'silent' } });
    expect(run.killed).toBe(false);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('wait aborted retry aborted\nWORK-DONE OPEN {"breaker.OPEN":1}\n');
  });
});

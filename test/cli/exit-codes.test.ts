import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { runOutcome } from '../../src/commands/data/spec.js';
import type { SourceReport } from '../../src/report.js';

/** A data run's exit code from its source reports, as the CLI computes it. */
const exitCodeForRun = (sources: SourceReport[], strict: boolean): number => exitCodeFor(runOutcome(sources, strict));

const report = (status: SourceReport['status'], error: string | null = null): SourceReport => ({
  name: 'coingecko',
  status,
  fetchedAt: status === 'failed' || status === 'skipped' ? null : '2026-11-29T10:00:00.000Z',
  ageSeconds: status === 'failed' || status === 'skipped' ? null : 0,
  items: status === 'failed' || status === 'skipped' ? 0 : 3,
  error,
});

describe('the exit code of a data run', () => {
  it('is 0 when anything was served, even partial or stale', () => {
    expect(exitCodeForRun([report('fresh'), report('failed', 'HTTP 500')], false)).toBe(0);
    expect(exitCodeForRun([report('stale', 'HTTP 503')], false)).toBe(0);
  });

  it('is 1 when nothing was served', () => {
    expect(exitCodeForRun([report('failed', 'HTTP 500'), report('skipped', 'COINCAP_API_KEY is not set')], false)).toBe(1);
    expect(exitCodeForRun([report('failed', 'x')], true)).toBe(1);
  });

  it('is 3 under --strict when a source failed, was stale, or served only part', () => {
    expect(exitCodeForRun([report('fresh'), report('failed', 'HTTP 500')], true)).toBe(3);
    expect(exitCodeForRun([report('stale', 'HTTP 503')], true)).toBe(3);
    expect(exitCodeForRun([report('fresh', 'daily budget of 25 used')], true)).toBe(3);
  });

  it('is 0 under --strict when every served source is clean and the rest were skipped', () => {
    expect(exitCodeForRun([report('fresh'), report('cached'), report('skipped', 'COINCAP_API_KEY is not set')], true)).toBe(0);
  });
});

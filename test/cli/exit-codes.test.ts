import { describe, expect, it } from 'vitest';
import { exitCodeForRun } from '../../src/cli/exit-codes.js';
import type { SourceReport } from '../../src/commands/command-result.js';

const report = (status: SourceReport['status'], error: string | null = null): SourceReport => ({
  name: 'coingecko',
  status,
  fetchedAt: status === 'failed' || status === 'skipped' ? null : '2026-11-29T10:00:00.000Z',
  ageSeconds: status === 'failed' || status === 'skipped' ? null : 0,
  items: status === 'failed' || status === 'skipped' ? 0 : 3,
  error,
});

describe('exitCodeForRun', () => {
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

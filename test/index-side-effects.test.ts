import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixture } from './fixtures/resilience/run-fixture.js';

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

describe('importing the library entry', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('adds no listeners, timers, handles or globals and creates no files', async () => {
    root = mkdtempSync(join(tmpdir(), 'qaht-import-'));
    const dirs = ['cwd', 'home', 'xdg-cache', 'screen-cache'].map((name) => join(root as string, name));
    for (const dir of dirs) mkdirSync(dir);
    const [cwd, home, xdgCache, screenCache] = dirs as [string, string, string, string];
    const run = await runFixture('import-entry.ts', {
      tsx: true,
      cwd,
      env: { ENTRY, WATCH_DIRS: dirs.join(':'), HOME: home, XDG_CACHE_HOME: xdgCache, SCREEN_CACHE_DIR: screenCache },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { before, after, exports } = JSON.parse(run.stdout) as { before: unknown; after: unknown; exports: string[] };
    expect(after).toEqual(before);
    expect(Object.values((after as { files: Record<string, string[]> }).files).flat()).toEqual([]);
    // Proves the import really happened (and pins the public surface of the core).
    expect(exports).toEqual(
      expect.arrayContaining([
        'AdaptiveRateLimiter',
        'CircuitBreaker',
        'CircuitOpenError',
        'GracefulDegradation',
        'PerformanceMonitor',
        'QahtError',
        'computeBackoffMs',
        'parseRetryAfter',
        'retry',
        'safeExecute',
        'systemClock',
      ]),
    );
  });
});

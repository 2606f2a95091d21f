import { defineConfig } from 'vitest/config';

/**
 * Files that spawn many processes or a browser, or that compare real elapsed time with a bound
 * (latency windows that must cover every child's start-up, a p99, a deadline, a token bucket):
 * they run one at a time after the rest, with both cores to themselves, so a neighbour's load
 * cannot push them past those bounds.
 */
const SERIAL = [
  'test/store/disk-cache-processes.test.ts',
  'test/cli/shared-store.test.ts',
  'test/cli/overlap-and-signals.test.ts',
  'test/serve/serve-load.test.ts',
  'test/serve/dashboard-browser.test.ts',
  'test/commands/news-deadline.test.ts',
];

const shared = {
  root: new URL('..', import.meta.url).pathname,
  testTimeout: 30_000,
  hookTimeout: 30_000,
  globalSetup: ['test/fixtures/store/bundle-fixtures.ts'],
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: ['test/bench/**', 'node_modules/**', ...SERIAL],
          // The rest are independent (own temp dirs, fake servers on port 0): one worker per core.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'serial',
          include: SERIAL,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

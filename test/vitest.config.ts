import { defineConfig } from 'vitest/config';

/**
 * Files that compare real elapsed time with a tight bound (a latency window that must cover ten
 * CLI processes starting, a p99, a deadline plus 300 ms, a token bucket, request spreads and
 * paces of tens of milliseconds): they run one at a time after the rest, with both cores to
 * themselves, so a neighbour's load cannot push them past those bounds.
 */
const SERIAL = [
  'test/cli/shared-store-pacing.test.ts',
  'test/cli/overlap-and-signals.test.ts',
  'test/cli/market-cli.test.ts',
  'test/serve/serve-load.test.ts',
  'test/serve/serve-attack.test.ts',
  'test/commands/news/news-deadline.test.ts',
  'test/http/client-batch.test.ts',
  'test/serve/serve-stream-flood.test.ts',
  'test/serve/serve-stream.test.ts',
];

/**
 * Files whose assertion depends on a fresh module registry: status-command mocks undici to prove
 * `screen status` never loads it, which a registry shared with an earlier file would defeat.
 */
const OWN_MODULES = ['test/cli/status-command.test.ts'];

const shared = {
  root: new URL('..', import.meta.url).pathname,
  testTimeout: 30_000,
  hookTimeout: 30_000,
  globalSetup: ['test/fixtures/bundle-fixtures.ts'],
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: ['test/bench/**', 'node_modules/**', ...SERIAL, ...OWN_MODULES],
          // Independent files (own temp dirs, fake servers on port 0, injected clocks): one worker
          // per core, and each worker keeps the modules it has loaded for its next file (src and
          // the helpers are evaluated once per worker rather than once per file: half the time).
          maxWorkers: 2,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: { ...shared, name: 'isolated', include: OWN_MODULES, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        // One worker that, like the parallel ones, keeps its loaded modules from file to file.
        test: { ...shared, name: 'serial', include: SERIAL, maxWorkers: 1, isolate: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});

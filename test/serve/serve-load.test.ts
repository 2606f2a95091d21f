import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { useCliSandbox } from '../helpers/run-cli.js';
import { ALL_CRYPTO_PATHS } from '../cli/crypto-fixtures.js';
import { spawnCli, waitUntil } from '../cli/ops-fixtures.js';
import { httpGet, routeEverything, serveEnv } from './live-fixtures.js';
import { type ReadLoad, readLoad } from './load-readers.js';

/**
 * A bounded loopback load test (issue 17): 300 concurrent readers of the crypto document for
 * three seconds (up to three such windows) against the built bin, each asking ten times a second (3,000 requests a second
 * in all, a dashboard fleet polling hard). Every answer is 200, p99 stays under 100 ms, and the
 * upstream APIs see only what the schedule asks for. `npm run bench` row 9 reports the same
 * figures, and the same readers back to back (the server at saturation), each against a bare
 * Node server sending the same bytes.
 */

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeEverything(api);
});

describe('300 concurrent readers', () => {
  it('all get 200 within a p99 of 100 ms, and no reader causes an upstream request', async () => {
    const running = spawnCli(
      ['serve', '--port', '0', '--every', 'crypto=60s,news=off,market=off', '--rate-limit', '10000000'],
      serveEnv(api, cacheDir),
    );
    let stderr = '';
    running.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await waitUntil(() => /listening on \S+/.test(stderr), 'screen serve to listen');
      const origin = /listening on (\S+)/.exec(stderr)![1]!;
      await waitUntil(() => ALL_CRYPTO_PATHS.every((path) => api.requestCount(path) === 1), 'the first refresh');
      for (;;) {
        if ((await httpGet(`${origin}/readyz`)).status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const upstreamBefore = api.requestCount();

      // Up to three windows, judged by the best: other test files share these two cores, and a
      // window in which they took the CPU says nothing about the server. Every window must be all 200.
      const windows: ReadLoad[] = [];
      for (let window = 0; window < 3 && !windows.some((load) => load.p99Ms < 100); window++) {
        const url = `${origin}/api/signals?screen=crypto`;
        windows.push(await readLoad({ url, readers: 300, pauseMs: 100, warmupMs: window === 0 ? 1_000 : 0, durationMs: 3_000 }));
      }
      for (const load of windows) {
        expect(load.errors).toBe(0);
        expect(Object.keys(load.statuses)).toEqual(['200']);
        expect(load.bodyBytes).toBeGreaterThan(10_000);
      }
      const best = windows.reduce((a, b) => (b.p99Ms < a.p99Ms ? b : a));
      expect(best.requests, JSON.stringify(windows)).toBeGreaterThan(4_500);
      expect(best.p99Ms, JSON.stringify(windows)).toBeLessThan(100);
      // A minute-long schedule: nothing is due in these seconds, whatever the readers do.
      expect(api.requestCount()).toBe(upstreamBefore);
    } finally {
      running.child.kill('SIGTERM');
      expect((await running.done).code).toBe(0);
    }
  });
});

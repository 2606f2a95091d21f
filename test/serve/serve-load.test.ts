import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { useCliSandbox } from '../helpers/run-cli.js';
import { ALL_CRYPTO_PATHS } from '../cli/crypto-fixtures.js';
import { spawnCli, waitUntil } from '../cli/ops-fixtures.js';
import { httpGet, routeEverything, serveEnv } from './live-fixtures.js';
import { readLoad } from './load-readers.js';

/**
 * A bounded loopback load test (issue 17): 300 concurrent readers of the crypto document for
 * three seconds against the built bin, each asking ten times a second (3,000 requests a second
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

      const load = await readLoad({
        url: `${origin}/api/signals?screen=crypto`,
        readers: 300,
        pauseMs: 100,
        warmupMs: 1_000,
        durationMs: 3_000,
      });

      expect(load.errors).toBe(0);
      expect(Object.keys(load.statuses)).toEqual(['200']);
      expect(load.requests, JSON.stringify(load)).toBeGreaterThan(4_500);
      expect(load.bodyBytes).toBeGreaterThan(10_000);
      expect(load.p99Ms, JSON.stringify(load)).toBeLessThan(100);
      // A minute-long schedule: nothing is due in four seconds, whatever the readers do.
      expect(api.requestCount()).toBe(upstreamBefore);
    } finally {
      running.child.kill('SIGTERM');
      expect((await running.done).code).toBe(0);
    }
  });
});

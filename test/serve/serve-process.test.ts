import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { BIN, useCliSandbox } from '../helpers/run-cli.js';
import { loadedModules } from '../helpers/loaded-modules.js';
import { CRYPTO_PATHS } from '../cli/crypto-fixtures.js';
import { isLeftover, listFilesDeep, spawnCli, waitUntil } from '../cli/ops-fixtures.js';
import { openEvents, routeEverything, serveEnv } from './live-fixtures.js';

/**
 * The built bin, with the process's real signals: SIGTERM and SIGINT stop `screen serve` with
 * exit 0 well within 10 s, even with a fetch in flight, and leave the cache dir consistent. And
 * Fastify stays out of every other command.
 */

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeEverything(api);
});

describe('screen serve as a process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} with a fetch in flight and a reader on the event stream: exit 0 within 10 s, state saved, nothing left behind`, async () => {
      // CoinGecko hangs: its request is in flight when the signal comes.
      api.route('GET', CRYPTO_PATHS.coingecko, { json: [] }, { latencyMs: 60_000 });
      const running = spawnCli(['serve', '--port', '0', '--every', 'market=off'], serveEnv(api, cacheDir, { SCREEN_TIMEOUT_MS: '30000' }));
      try {
        let stderr = '';
        running.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        await waitUntil(() => /listening on \S+/.test(stderr), 'screen serve to listen');
        const origin = /listening on (\S+)/.exec(stderr)![1]!;
        const events = await openEvents(origin);
        await waitUntil(
          () => api.requestCount(CRYPTO_PATHS.coingecko) > 0 && api.requestCount('/gn/rss/search') > 0,
          'the hanging request',
        );
        await waitUntil(() => events.events.length > 0, 'the news update');
        const sentAt = performance.now();
        running.child.kill(signal);
        const run = await running.done;
        const stopMs = performance.now() - sentAt;
        expect(run.code, run.stderr).toBe(0);
        expect(run.signal).toBeNull();
        expect(stopMs).toBeLessThan(10_000);
        expect(run.stderr).toContain(`stopped on ${signal}; state saved`);
        await events.ended;
        const state = JSON.parse(await readFile(join(cacheDir, 'state.json'), 'utf8')) as {
          hosts: Record<string, { breaker: { state: string; failures: number } }>;
        };
        // The aborted fetch says nothing about the host: its breaker is as healthy as before.
        expect(state.hosts[api.host]?.breaker).toMatchObject({ state: 'CLOSED', failures: 0 });
        expect((await listFilesDeep(cacheDir)).filter(isLeftover)).toEqual([]);
      } finally {
        // A failed wait above must not leave the server running after the test.
        if (running.child.exitCode === null) running.child.kill('SIGKILL');
      }
    });
  }
});

describe('Fastify is loaded by serve only', () => {
  it('a crypto run never imports it or the service, and `serve --help` loads neither Fastify nor the service', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qaht-trace-'));
    try {
      const cases: Array<[string, string[], RegExp]> = [
        ['crypto', ['crypto', '--json'], /\/fastify\/|^src\/serve\/|^src\/commands\/serve\//],
        ['serve --help', ['serve', '--help'], /\/fastify\/|^src\/serve\/(http-app|serve-service|page\/)|^src\/commands\/serve\/run/],
      ];
      for (const [name, args, forbidden] of cases) {
        const trace = join(dir, 'trace.txt');
        await rm(trace, { force: true });
        const run = await runNode(['--import', TRACE_HOOK, BIN, ...args], { ...serveEnv(api, cacheDir), QAHT_BENCH_TRACE: trace });
        expect(run.code, run.stderr).toBe(0);
        const modules = await loadedModules(trace);
        expect(
          modules.some((path) => path.startsWith('src/commands/')),
          name,
        ).toBe(true);
        expect(
          modules.filter((url) => forbidden.test(url)),
          name,
        ).toEqual([]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const TRACE_HOOK = fileURLToPath(new URL('../bench/module-trace.mjs', import.meta.url));

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

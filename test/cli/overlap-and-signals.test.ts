import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runCli, runMain, useCliSandbox } from '../helpers/run-cli.js';
import {
  CRYPTO_PATHS,
  cryptoEnv,
  isLeftover,
  listFilesDeep,
  parseCommandJson,
  routeCrypto,
  spawnCli,
  statusBySource,
  unparsableJsonFiles,
  waitUntil,
} from './ops-fixtures.js';

/**
 * Cron-style operation of the built bin (issue 7, "Runs that overlap or are interrupted"): many
 * `screen crypto` runs sharing one cache dir, and runs stopped by SIGINT/SIGTERM mid-fetch.
 */

let api: FakeApi;
let cacheDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});

/** The state file must exist and be a whole, current-schema document. */
async function expectStateFileParses(): Promise<void> {
  const state = JSON.parse(await readFile(join(cacheDir, 'state.json'), 'utf8'));
  expect(state).toMatchObject({ schema: 1, hosts: expect.any(Object), sources: expect.any(Object), budgets: expect.any(Object) });
}

/** Every JSON file parses and nothing a dead writer or lock holder leaves behind remains. */
async function expectCacheDirConsistent(): Promise<void> {
  const files = await listFilesDeep(cacheDir);
  expect(files.filter(isLeftover)).toEqual([]);
  const { bad, parsed } = await unparsableJsonFiles(cacheDir);
  expect(bad).toEqual([]);
  expect(parsed).toBeGreaterThan(0);
}

describe('overlapping runs', () => {
  it('10 concurrent `screen crypto` runs on one cache dir: one upstream request per path, all exit 0 with results', async () => {
    // Ten node processes starting at once on a small machine reach their first lookup over 1-2 s
    // (measured), so replies take 2.5 s: every run starts while the first fetches are in flight.
    routeCrypto(api, { latencyMs: 2_500 });
    // A timeout would mean a retry, i.e. a second upstream request: keep it well above the latency.
    const env = cryptoEnv(api, cacheDir, { SCREEN_TIMEOUT_MS: '20000' });
    const runs = await Promise.all(Array.from({ length: 10 }, () => runCli(['crypto', '--json'], env, { timeoutMs: 45_000 })));

    for (const [i, run] of runs.entries()) {
      expect(run.code, `run ${i}: ${run.stderr}`).toBe(0);
      const doc = parseCommandJson(run.stdout, run.stderr);
      expect(doc.results.length, `run ${i}`).toBeGreaterThan(0);
      const status = statusBySource(doc);
      // Each run either fetched or served what another run just wrote; nothing failed or went stale.
      for (const name of ['coingecko', 'binance']) expect(['fresh', 'cached'], `run ${i} ${name}`).toContain(status[name]);
    }
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(1);
    expect(api.requestCount(CRYPTO_PATHS.binanceTicker)).toBe(1);
    expect(api.requestCount(CRYPTO_PATHS.binanceExchangeInfo)).toBe(1);
    expect(api.requests).toHaveLength(3);
    // Exactly one run fetched each source; the nine others were served its cache entry.
    const fresh = runs.map((run) => statusBySource(parseCommandJson(run.stdout)));
    expect(fresh.filter((s) => s.coingecko === 'fresh')).toHaveLength(1);
    expect(fresh.filter((s) => s.binance === 'fresh')).toHaveLength(1);

    await expectCacheDirConsistent();
    await expectStateFileParses();
  });
});

describe('signals in the middle of a fetch', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: exits %i promptly, leaves the cache dir and the state file consistent, and the next run works',
    async (signal, exitCode) => {
      routeCrypto(api);
      // CoinGecko hangs for 5 s: the signal lands while its request is in flight.
      api.route('GET', CRYPTO_PATHS.coingecko, { json: [] }, { latencyMs: 5_000 });
      const env = cryptoEnv(api, cacheDir);
      const running = spawnCli(['crypto', '--json'], env);
      await waitUntil(() => api.requestCount(CRYPTO_PATHS.coingecko) === 1, 'the CoinGecko request to reach the server');
      const signalledAt = performance.now();
      running.child.kill(signal);
      const run = await running.done;
      const exitAfterMs = performance.now() - signalledAt;

      expect(run.code, run.stderr).toBe(exitCode);
      expect(run.signal).toBeNull();
      expect(exitAfterMs).toBeLessThan(2_000);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);

      await expectStateFileParses();
      expect((await listFilesDeep(cacheDir)).filter(isLeftover)).toEqual([]);
      expect((await unparsableJsonFiles(cacheDir)).bad).toEqual([]);

      // The next cron run, with CoinGecko answering again, works normally on the same dir.
      api.reset();
      routeCrypto(api);
      const next = await runMain(['crypto', '--json'], env);
      expect(next.code, next.stderr).toBe(0);
      const doc = parseCommandJson(next.stdout, next.stderr);
      expect(statusBySource(doc)).toMatchObject({ coingecko: 'fresh', binance: expect.stringMatching(/^(fresh|cached)$/) });
      expect(doc.results.length).toBeGreaterThan(0);
      expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(1);
      await expectCacheDirConsistent();
    },
  );
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../helpers/fake-api/index.js';
import { cleanEnv, FAST_ENV, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';
import { BODIES, CRYPTO_PATHS } from './crypto-fixtures.js';

/**
 * No wait outlives its run: a learned delay of 1e12 ms or an opening ten years ahead in the state
 * file is discarded as damaged (delays above 120 s, times more than a day ahead), and a block or
 * pacing slot further away than `--deadline-ms` is not waited for: the source is served stale at
 * once, saying `paced until HH:MM:SS`, and the host is not asked.
 */
describe('bounded waits', () => {
  let api: FakeApi;
  let cacheDir: string;
  beforeAll(async () => {
    api = await startFakeApi();
    api.route('GET', CRYPTO_PATHS.coingecko, () => BODIES.coingecko);
    cacheDir = await tempCacheDir();
  });
  afterAll(async () => {
    await api.close();
    await removeDir(cacheDir);
  });

  const env = (): NodeJS.ProcessEnv => cleanEnv({ ...FAST_ENV, SCREEN_CACHE_DIR: cacheDir, SCREEN_COINGECKO_URL: `${api.url}/cg/api/v3` });
  const stateFile = (): string => join(cacheDir, 'state.json');
  const host = (): string => new URL(api.url).host;

  async function damage(edit: (entry: { breaker: Record<string, unknown>; limiter: Record<string, number> }) => void): Promise<void> {
    const state = JSON.parse(await readFile(stateFile(), 'utf8'));
    edit(state.hosts[host()]);
    await writeFile(stateFile(), JSON.stringify(state));
  }

  async function run(args: string[] = []) {
    const started = Date.now();
    const result = await runMain(['crypto', '--sources', 'coingecko', '--json', '--force-refresh', ...args], env());
    const source = JSON.parse(result.stdout).sources[0] as { status: string; error: string | null };
    return { ...result, source, elapsedMs: Date.now() - started };
  }

  it('discards damaged state and gives up waits past the deadline at once', async () => {
    expect((await run()).source.status).toBe('fresh');

    // A delay no API asks for, slots and blocks years ahead: damaged, so the host starts afresh.
    await damage((entry) => {
      const now = Date.now();
      Object.assign(entry.limiter, { delayMs: 1e12, nextSlotAt: now + 1e12, blockedUntil: now + 1e12 });
      Object.assign(entry.breaker, { state: 'OPEN', failures: 0, openedAt: now + 10 * 365 * 86_400_000 });
    });
    const repaired = await run();
    expect(repaired.source.status, repaired.stderr).toBe('fresh');
    expect(repaired.elapsedMs).toBeLessThan(10_000);

    // A real block ten minutes long (a Retry-After): past a 2 s deadline, so not waited for.
    await damage((entry) => {
      entry.limiter.blockedUntil = Date.now() + 600_000;
    });
    const requests = api.requestCount(CRYPTO_PATHS.coingecko);
    const blocked = await run(['--deadline-ms', '2000']);
    expect(blocked.code, blocked.stderr).toBe(0);
    expect(blocked.source.status).toBe('stale');
    expect(blocked.source.error).toMatch(/paced until \d\d:\d\d:\d\d/);
    expect(blocked.elapsedMs).toBeLessThan(10_000);
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(requests);

    // A learned delay of a minute (possible, not damaged) is longer than the deadline too.
    await damage((entry) => {
      Object.assign(entry.limiter, { blockedUntil: 0, delayMs: 60_000, nextSlotAt: Date.now() + 60_000 });
    });
    const paced = await run(['--deadline-ms', '2000']);
    expect(paced.source.status).toBe('stale');
    expect(paced.source.error).toMatch(/paced until \d\d:\d\d:\d\d, past the run's deadline/);
    expect(paced.elapsedMs).toBeLessThan(10_000);
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(requests);
  });
});

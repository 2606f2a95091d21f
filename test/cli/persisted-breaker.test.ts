import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { cleanEnv, FAST_ENV, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/**
 * A CLI run lives seconds, so a breaker only means something if the next run starts from what the
 * last one learned. Run 1 opens CoinGecko's breaker; run 2 must not call the host at all until
 * the recovery time (60 s) has passed; after it, exactly one probe goes out.
 */
describe('breaker state carried between runs', () => {
  let api: FakeApi;
  let cacheDir: string;
  const MARKETS = '/cg/api/v3/coins/markets';

  beforeAll(async () => {
    api = await startFakeApi();
    api.route('GET', MARKETS, { status: 503, json: { error: 'down for maintenance' } });
    cacheDir = await tempCacheDir();
  });
  afterAll(async () => {
    await api.close();
    await removeDir(cacheDir);
  });

  const env = (): NodeJS.ProcessEnv =>
    cleanEnv({ ...FAST_ENV, SCREEN_CACHE_DIR: cacheDir, SCREEN_COINGECKO_URL: `${api.url}/cg/api/v3`, SCREEN_MAX_RETRIES: '4' });

  it('opens the breaker in run 1, keeps run 2 off the host, and probes once after the recovery time', async () => {
    const first = await runMain(['crypto', '--sources', 'coingecko', '--json'], env());
    expect(first.code).toBe(1);
    // One attempt plus four retries: five consecutive failures trip the breaker.
    expect(api.requestCount(MARKETS)).toBe(5);
    expect(JSON.parse(first.stdout).sources[0]).toMatchObject({ name: 'coingecko', status: 'failed' });

    const second = await runMain(['crypto', '--sources', 'coingecko', '--json'], env());
    expect(second.code).toBe(1);
    expect(api.requestCount(MARKETS)).toBe(5);
    expect(JSON.parse(second.stdout).sources[0].error).toMatch(/circuit open/);

    const status = await runMain(['status', '--json'], env());
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/"OPEN"|"open"/);

    // Pretend the recovery time has passed: move the saved opening 61 s into the past.
    const stateFile = join(cacheDir, 'state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    const host = new URL(api.url).host;
    expect(state.hosts[host].breaker.state).toBe('OPEN');
    state.hosts[host].breaker.openedAt -= 61_000;
    await writeFile(stateFile, JSON.stringify(state));

    api.route('GET', MARKETS, { json: [] });
    const third = await runMain(['crypto', '--sources', 'coingecko', '--json', '--min-volume', '0'], env());
    expect(api.requestCount(MARKETS)).toBe(6);
    expect(JSON.parse(third.stdout).sources[0].status).toBe('fresh');
    const after = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(after.hosts[host].breaker.state).toBe('CLOSED');
  });
});

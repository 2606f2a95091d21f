import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/cli/exit-codes.js';
import { runOutcome } from '../../../src/commands/data/spec.js';
import { createRunContext } from '../../../src/runtime/run-context.js';
import { resolveRunSettings } from '../../../src/options/run-options.js';
import { DEFAULT_CRYPTO_OPTIONS, runCrypto } from '../../../src/commands/crypto/run.js';
import { StateStore } from '../../../src/store/file/state-store.js';
import { driveClock } from '../../helpers/drive-clock.js';
import { startFakeApi, type FakeApi } from '../../helpers/fake-api/index.js';
import { commonOptions } from '../../helpers/fake-runtime.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { removeDir, tempCacheDir } from '../../helpers/run-cli.js';

/**
 * Issue 11: cron keeps starting runs against an API that answers every request with a soft rate
 * limit (CoinGecko's 429 body at HTTP 200). Each run is what the CLI does, in-process on one
 * manual clock: a run context restored from the cache dir (breakers, limiter, state), the crypto
 * command, the run's record, the state saved. Default settings: documented pace, 3 retries with
 * backoff, a breaker opening after 5 failures for 60 s.
 */

const MARKETS = '/cg/coins/markets';
const PAGE = readFileSync(new URL('../../../src/demo/recordings/crypto/coingecko-markets-page1.json', import.meta.url), 'utf8');
const SOFT_LIMIT = {
  status: { error_code: 429, error_message: "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing." },
};
const CRON_EVERY_MS = 10_000;

let api: FakeApi;
let dir: string;

beforeAll(async () => {
  api = await startFakeApi();
  dir = await tempCacheDir();
});
afterAll(async () => {
  await api.close();
  await removeDir(dir);
});

describe('cron runs against a source that always answers a soft limit', () => {
  it('8 runs make at most 6 requests (5 to open the breaker + 1 probe), each serving stale with exit 0', async () => {
    const clock = new ManualClock();
    const env = { SCREEN_COINGECKO_URL: `${api.url}/cg` };
    const settings = resolveRunSettings({ cacheDir: dir }, {});
    const run = async () => {
      const context = await createRunContext({ settings, env, stderr: { write: () => true }, interactive: false, clock });
      try {
        const result = await runCrypto(context.runtime, { ...commonOptions({ sources: ['coingecko'] }), ...DEFAULT_CRYPTO_OPTIONS });
        await context.finish({ command: 'crypto', sources: result.sources, metricsFile: undefined });
        return { code: exitCodeFor(runOutcome(result.sources, false)), coingecko: result.sources[0] };
      } finally {
        await context.close();
      }
    };

    // A good run first, so there is something to serve; then the API starts refusing.
    api.route('GET', MARKETS, { body: PAGE, headers: { 'content-type': 'application/json' } });
    expect((await driveClock(clock, run())).coingecko).toMatchObject({ status: 'fresh', items: 250 });
    await clock.advance(5 * 60_000);
    api.reset();
    api.route('GET', MARKETS, { json: SOFT_LIMIT });

    const outcomes: Array<{ code: number; status: string | undefined; error: string | null | undefined }> = [];
    for (let i = 0; i < 8; i++) {
      const startedAt = clock.now();
      const { code, coingecko } = await driveClock(clock, run());
      outcomes.push({ code, status: coingecko?.status, error: coingecko?.error });
      // The next cron tick, or at once if this run outlasted the interval.
      clock.set(Math.max(clock.now(), startedAt + CRON_EVERY_MS));
    }

    expect(outcomes.map((o) => o.code)).toEqual(Array(8).fill(0));
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill('stale'));
    expect(outcomes[0]?.error).toMatch(/coingecko rate limit/);
    expect(outcomes.at(-1)?.error).toMatch(/circuit open/);
    expect(api.requestCount(MARKETS)).toBeGreaterThanOrEqual(5);
    expect(api.requestCount(MARKETS)).toBeLessThanOrEqual(6);
    // Each soft limit was recorded as a rate limit as it happened.
    const saved = (await StateStore.load(dir, { clock })).source('coingecko');
    expect(saved?.rateLimitEvents).toHaveLength(api.requestCount(MARKETS));
  });
});

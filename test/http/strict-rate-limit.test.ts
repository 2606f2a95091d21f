import { describe, expect, it } from 'vitest';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { startTokenBucketServer } from '../bench/token-bucket-server.js';
import { driveClock } from '../helpers/drive-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';

/**
 * Issue 11: an API that enforces its documented 30 calls a minute as a strict token bucket
 * (0.5/s, burst 1), as CoinGecko's keyless tier does. Time is simulated (one manual clock for the
 * client and the server); the arrival jitter real networks add is put back by the server: the
 * first request arrives up to 70 ms late (connection set-up), the others up to 5 ms late.
 */

const RATE_PER_S = 0.5;
const DOCUMENTED_DELAY_MS = 1000 / RATE_PER_S;
const REQUESTS = 8;

/** Deterministic jitter, so a failure reproduces. */
function jitter(seed: number): (index: number) => number {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return (index) => (index === 0 ? 70 : 5) * random();
}

async function pacedRun(limiter: AdaptiveRateLimiter, clock: ManualClock, seed: number) {
  const server = await startTokenBucketServer({ ratePerS: RATE_PER_S, burst: 1, sendHeaders: false, clock, arrivalDelayMs: jitter(seed) });
  const host = new URL(server.url).host;
  limiter.configureHost(host, { documentedDelayMs: DOCUMENTED_DELAY_MS });
  const client = new AsyncAPIClient({ clock, limiter, maxRetries: 3 });
  try {
    for (let page = 1; page <= REQUESTS; page++) await driveClock(clock, client.fetchJson(`${server.url}/coins/markets?page=${page}`));
  } finally {
    await client.close();
    await server.close();
  }
  const arrivals = server.counts.okArrivals;
  const achievedPerS = (arrivals.length - 1) / (((arrivals.at(-1) as number) - (arrivals[0] as number)) / 1000);
  return { ratio: achievedPerS / RATE_PER_S, limited: server.counts.limited, ok: server.counts.ok, delayMs: limiter.delayMs(host) };
}

describe('a documented rate against a strict token bucket (0.5/s, burst 1)', () => {
  it.each([1, 2, 3, 4, 5])('8 paced requests reach ≥ 0.95 of the allowed rate with at most one 429 (jitter seed %i)', async (seed) => {
    const clock = new ManualClock();
    const outcome = await pacedRun(new AdaptiveRateLimiter({ clock }), clock, seed);
    expect(outcome.ok).toBe(REQUESTS);
    expect(outcome.limited).toBeLessThanOrEqual(1);
    expect(outcome.ratio).toBeGreaterThanOrEqual(0.95);
    expect(outcome.ratio).toBeLessThanOrEqual(1);
  });

  it('a 429 at the documented pace (here: no margin at all) costs a step back, not half the rest of the run', async () => {
    const clock = new ManualClock();
    const outcome = await pacedRun(new AdaptiveRateLimiter({ clock, arrivalMargin: 0 }), clock, 1);
    expect(outcome.limited).toBe(1);
    expect(outcome.delayMs).toBeCloseTo(DOCUMENTED_DELAY_MS * 1.1, 6);
    expect(outcome.ratio).toBeGreaterThan(0.8);
  });
});

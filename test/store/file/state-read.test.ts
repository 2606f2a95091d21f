import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FUTURE_TOLERANCE_MS, STATE_SCHEMA_VERSION, utcDay } from '../../../src/store/file/state-file.js';
import { StateStore } from '../../../src/store/file/state-store.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { makeTempDir, removeDir } from '../store-helpers.js';

const YEAR_MS = 365 * 24 * 3_600_000;

describe('StateStore reads', () => {
  let dir: string;
  let clock: ManualClock;
  beforeEach(async () => {
    dir = await makeTempDir();
    clock = new ManualClock();
  });
  afterEach(() => removeDir(dir));

  const writeState = (maps: Record<string, unknown>) =>
    writeFile(
      join(dir, 'state.json'),
      JSON.stringify({ schema: STATE_SCHEMA_VERSION, updatedAt: clock.now(), hosts: {}, sources: {}, budgets: {}, ...maps }),
    );

  // Issue 13 item 2 (the store's part): no number in the file can hold anything hostage for years.
  it('drops times far in the future: a host that would win every merge, history, a budget day', async () => {
    const now = clock.now();
    const future = now + 1000 * YEAR_MS;
    await writeState({
      hosts: {
        'api.coingecko.com': { updatedAt: future, breaker: { state: 'OPEN', openedAt: future, failures: 5 } },
        'ok.example': { updatedAt: now },
      },
      sources: {
        coingecko: { lastSuccessAt: future, lastFailureAt: now - 1, lastFailureReason: 'HTTP 503', rateLimitEvents: [now - 2, future] },
        gdelt: { lastFailureAt: future, lastFailureReason: 'from the future' },
      },
      budgets: { newsapi: { day: '9999-12-31', used: 100 }, alphavantage: { day: utcDay(now), used: 3 } },
    });
    const store = await StateStore.load(dir, { clock });
    expect(Object.keys(store.state.hosts)).toEqual(['ok.example']);
    expect(store.source('coingecko')).toEqual({ lastFailureAt: now - 1, lastFailureReason: 'HTTP 503', rateLimitEvents: [now - 2] });
    expect(store.source('gdelt')).toBeUndefined();
    expect(store.budgetUsed('alphavantage', utcDay(now))).toBe(3);
    // The budget of year 9999 no longer blocks today's.
    expect(await store.consumeBudget('newsapi', utcDay(now), 1, 100)).toBe(1);

    // This run's own snapshot of the host is what the file keeps, not the far-future one.
    store.setHost('api.coingecko.com', { breaker: { state: 'CLOSED', openedAt: null, failures: 0 } });
    await store.flush();
    const next = await StateStore.load(dir, { clock });
    expect(next.host('api.coingecko.com')).toMatchObject({ updatedAt: now, breaker: { state: 'CLOSED' } });
  });

  it('keeps what lies within the clock-skew tolerance', async () => {
    const soon = clock.now() + FUTURE_TOLERANCE_MS - 1;
    await writeState({ hosts: { 'a.example': { updatedAt: soon } }, sources: { hn: { lastSuccessAt: soon } } });
    const store = await StateStore.load(dir, { clock });
    expect(store.host('a.example')).toEqual({ updatedAt: soon });
    expect(store.source('hn')).toEqual({ lastSuccessAt: soon });
  });

  // Issue 15, the store's part: a read shares the store's objects instead of cloning them.
  it('reads share objects without cloning, and a change builds new ones (an earlier view stays as it was)', async () => {
    const store = await StateStore.load(dir, { clock });
    store.setHost('a.example', { limiter: { delayMs: 1000 } });
    const before = store.state;
    expect(store.state.hosts).toBe(before.hosts);
    expect(store.host('a.example')).toBe(before.hosts['a.example']);
    store.setHost('a.example', { limiter: { delayMs: 2000 } });
    store.recordSourceSuccess('hn', clock.now());
    expect(before.hosts['a.example']).toEqual({ limiter: { delayMs: 1000 }, updatedAt: clock.now() });
    expect(before.sources).toEqual({});
    expect(store.host('a.example')?.limiter).toEqual({ delayMs: 2000 });
  });
});

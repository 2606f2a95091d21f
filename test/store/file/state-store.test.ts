import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RATE_LIMIT_MAX_EVENTS, STATE_SCHEMA_VERSION, utcDay } from '../../../src/store/file/state-file.js';
import { StateStore } from '../../../src/store/file/state-store.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FixtureProcess, makeTempDir, removeDir } from '../store-helpers.js';

const HOUR_MS = 3_600_000;

describe('StateStore', () => {
  let dir: string;
  let clock: ManualClock;

  beforeEach(async () => {
    dir = await makeTempDir();
    clock = new ManualClock();
  });
  afterEach(() => removeDir(dir));

  const load = (options = {}) => StateStore.load(dir, { clock, ...options });

  it('starts empty without a file and round-trips what a run saved', async () => {
    const first = await load();
    expect(first.state).toMatchObject({ hosts: {}, sources: {}, budgets: {} });

    const breaker = { state: 'OPEN', openedAt: clock.now(), failures: 5 };
    first.setHost('api.coingecko.com', { breaker, limiter: { delayMs: 1620 } });
    first.recordSourceSuccess('hn', clock.now() - 10);
    first.recordSourceFailure('coingecko', clock.now(), 'HTTP 503');
    first.recordRateLimit('coingecko', clock.now());
    await first.flush();

    const file = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ schema: STATE_SCHEMA_VERSION, updatedAt: clock.now() });
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);

    await clock.advance(60_000);
    const second = await load();
    expect(second.host('api.coingecko.com')).toEqual({ breaker, limiter: { delayMs: 1620 }, updatedAt: clock.now() - 60_000 });
    expect(second.source('hn')).toEqual({ lastSuccessAt: clock.now() - 60_010 });
    expect(second.source('coingecko')).toEqual({
      lastFailureAt: clock.now() - 60_000,
      lastFailureReason: 'HTTP 503',
      rateLimitEvents: [clock.now() - 60_000],
    });
  });

  it('state written by another process is what the next run starts with', async () => {
    const writer = new FixtureProcess('state-child.ts', ['set-host', dir, 'api.binance.com', 'OPEN']);
    await writer.waitFor((message) => message.saved === true);
    const store = await StateStore.load(dir);
    expect(store.host('api.binance.com')?.breaker).toEqual({ state: 'OPEN' });
  });

  it('merges two overlapping runs: both hosts survive, and the newer copy of a shared host wins', async () => {
    const runA = await load();
    const runB = await load();
    runA.setHost('a.example', { breaker: 'A-only' });
    runA.recordSourceFailure('gdelt', clock.now(), 'timeout');
    runA.setHost('shared.example', { breaker: 'from A (older)' });
    await clock.advance(1_000);
    runB.setHost('b.example', { breaker: 'B-only' });
    runB.setHost('shared.example', { breaker: 'from B (newer)' });
    runB.recordSourceSuccess('gdelt', clock.now());
    runB.recordRateLimit('gdelt', clock.now() - 500);
    runA.recordRateLimit('gdelt', clock.now() - 700);

    await runB.flush();
    await runA.flush(); // saved last, but its copy of shared.example is older

    const next = await load();
    expect(next.host('a.example')?.breaker).toBe('A-only');
    expect(next.host('b.example')?.breaker).toBe('B-only');
    expect(next.host('shared.example')?.breaker).toBe('from B (newer)');
    expect(next.source('gdelt')).toEqual({
      lastSuccessAt: clock.now(),
      lastFailureAt: clock.now() - 1_000,
      lastFailureReason: 'timeout',
      rateLimitEvents: [clock.now() - 700, clock.now() - 500],
    });
    // The saving run's own view now includes the other run's hosts.
    expect(runA.host('b.example')?.breaker).toBe('B-only');
  });

  it('ignores host state older than maxAgeMs, and source history older than sourceMaxAgeMs (30 days)', async () => {
    const run = await load();
    run.setHost('old.example', { breaker: 'x' });
    run.recordSourceSuccess('hn', clock.now());
    await run.flush();
    await clock.advance(25 * HOUR_MS);

    const fresh = await load();
    expect(fresh.host('old.example')).toBeUndefined();
    // Source history outlives host state: `screen status` shows an old last success.
    expect(fresh.source('hn')?.lastSuccessAt).toBe(clock.now() - 25 * HOUR_MS);
    expect((await load({ sourceMaxAgeMs: 24 * HOUR_MS })).source('hn')).toBeUndefined();
    const patient = await load({ maxAgeMs: 48 * HOUR_MS });
    expect(patient.host('old.example')?.breaker).toBe('x');
    const split = await load({ sourceMaxAgeMs: 7 * 24 * HOUR_MS });
    expect(split.host('old.example')).toBeUndefined();
    expect(split.source('hn')?.lastSuccessAt).toBe(clock.now() - 25 * HOUR_MS);
  });

  it('keeps rate-limit events of the last 24 h only, at most 200', async () => {
    const run = await load();
    run.recordRateLimit('binance', clock.now() - 25 * HOUR_MS);
    for (let i = 0; i < RATE_LIMIT_MAX_EVENTS + 50; i++) run.recordRateLimit('binance', clock.now() - i);
    await run.flush();
    const events = (await load()).source('binance')?.rateLimitEvents ?? [];
    expect(events).toHaveLength(RATE_LIMIT_MAX_EVENTS);
    expect(events.at(-1)).toBe(clock.now());
    expect(events[0]).toBe(clock.now() - (RATE_LIMIT_MAX_EVENTS - 1));
  });

  it.each([
    ['garbage', 'not json {'],
    ['a foreign schema version', JSON.stringify({ schema: 99, updatedAt: 1, hosts: { h: { updatedAt: 1 } }, sources: {}, budgets: {} })],
    ['the wrong shape', JSON.stringify({ schema: STATE_SCHEMA_VERSION, hosts: [] })],
  ])('treats %s as empty, and the next save replaces it', async (_name, content) => {
    await writeFile(join(dir, 'state.json'), content);
    const run = await load();
    expect(run.state).toMatchObject({ hosts: {}, sources: {}, budgets: {} });
    run.setHost('h.example', { limiter: { delayMs: 900 } });
    await run.flush();
    expect((await load()).host('h.example')?.limiter).toEqual({ delayMs: 900 });
  });

  it('drops only the malformed entries of an otherwise valid file', async () => {
    const now = clock.now();
    await writeFile(
      join(dir, 'state.json'),
      JSON.stringify({
        schema: STATE_SCHEMA_VERSION,
        updatedAt: now,
        hosts: { good: { updatedAt: now, breaker: 1 }, bad: { updatedAt: 'yesterday' } },
        sources: { hn: { lastSuccessAt: now }, gdelt: { lastSuccessAt: 'never' } },
        budgets: { ok: { day: utcDay(now), used: 3 }, broken: { day: 'today', used: 1 } },
      }),
    );
    const run = await load();
    expect(Object.keys(run.state.hosts)).toEqual(['good']);
    expect(Object.keys(run.state.sources)).toEqual(['hn']);
    expect(run.budgetUsed('ok', utcDay(now))).toBe(3);
  });

  it('keeps unsaved changes when a save fails, and reports QAHT_ERR_CACHE_DIR', async () => {
    await writeFile(join(dir, 'blocker'), 'x');
    const run = await StateStore.load(join(dir, 'blocker', 'cache'), { clock });
    run.setHost('h.example', { breaker: 'x' });
    await expect(run.flush()).rejects.toMatchObject({ code: 'QAHT_ERR_CACHE_DIR' });
    expect(run.host('h.example')?.breaker).toBe('x');
  });

  describe('consumeBudget', () => {
    it('grants up to the limit, partially at the edge, and resets on a new UTC day', async () => {
      const run = await load();
      const today = utcDay(clock.now());
      expect(await run.consumeBudget('alphavantage', today, 20, 25)).toBe(20);
      expect(await run.consumeBudget('alphavantage', today, 10, 25)).toBe(5);
      expect(await run.consumeBudget('alphavantage', today, 1, 25)).toBe(0);
      expect(run.budgetUsed('alphavantage', today)).toBe(25);
      expect((await load()).budgetUsed('alphavantage', today)).toBe(25);

      await clock.advance(24 * HOUR_MS);
      const tomorrow = utcDay(clock.now());
      expect(tomorrow).not.toBe(today);
      expect(await run.consumeBudget('alphavantage', tomorrow, 10, 25)).toBe(10);
      // A process whose clock is still on yesterday gets nothing rather than overspend.
      expect(await run.consumeBudget('alphavantage', today, 1, 25)).toBe(0);
      expect((await load()).budgetUsed('alphavantage', tomorrow)).toBe(10);
    });

    it('a save never lowers the budget spent by another run', async () => {
      const runA = await load();
      const runB = await load();
      const today = utcDay(clock.now());
      await runA.consumeBudget('newsapi', today, 7, 100);
      runB.setHost('x.example', { breaker: 1 });
      await runB.save({ budgets: { newsapi: { day: today, used: 2 } } });
      expect((await load()).budgetUsed('newsapi', today)).toBe(7);
    });

    it('never exceeds the limit when 10 processes spend at once', async () => {
      const day = utcDay(Date.now());
      const children = Array.from({ length: 10 }, () => new FixtureProcess('state-child.ts', ['consume', dir, 'newsapi', day, '3', '7']));
      try {
        await Promise.all(children.map((child) => child.waitFor((message) => message.ready === true)));
        for (const child of children) child.send('go');
        const results = await Promise.all(children.map((child) => child.waitFor((message) => 'granted' in message)));
        const granted = results.reduce((sum, result) => sum + Number(result.granted), 0);
        expect(granted).toBe(7);
        expect((await StateStore.load(dir)).budgetUsed('newsapi', day)).toBe(7);
      } finally {
        for (const child of children) child.kill();
        await Promise.all(children.map((child) => child.exited));
      }
    }, 120_000);
  });
});

import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';

const HOST = 'api.example.com';

function succeed(limiter: AdaptiveRateLimiter, times: number, host = HOST): void {
  for (let i = 0; i < times; i++) limiter.onSuccess(host);
}

/** Starts `wait`s and records, per waiter, the manual-clock time at which it was let through. */
function startWaits(
  limiter: AdaptiveRateLimiter,
  clock: ManualClock,
  count: number,
  host = HOST,
): { wokeAt: number[]; done: Promise<unknown> } {
  const wokeAt: number[] = [];
  const done = Promise.all(
    Array.from({ length: count }, (_, i) =>
      limiter.wait(host).then(() => {
        wokeAt[i] = clock.now();
      }),
    ),
  );
  return { wokeAt, done };
}

describe('AdaptiveRateLimiter', () => {
  it('reproduces the seed numbers: 1000 → 900 → 810 → (rate limit) 1620 → 1458', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock() });
    expect(limiter.delayMs(HOST)).toBe(1000);
    succeed(limiter, 9);
    expect(limiter.delayMs(HOST)).toBe(1000);
    succeed(limiter, 1);
    expect(limiter.delayMs(HOST)).toBe(900);
    succeed(limiter, 10);
    expect(limiter.delayMs(HOST)).toBeCloseTo(810, 9);
    limiter.onRateLimit(HOST);
    expect(limiter.delayMs(HOST)).toBeCloseTo(1620, 9);
    succeed(limiter, 10);
    expect(limiter.delayMs(HOST)).toBeCloseTo(1458, 9);
  });

  it('after a rate limit, speeds up no further than the last pace that worked, for an hour', async () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock });
    succeed(limiter, 20); // 1000 → 900 → 810
    limiter.onRateLimit(HOST); // 810 was too fast: 900 worked
    succeed(limiter, 100); // 1620 → 1458 → 1312 → 1181 → 1063 → 957 → floor 900
    expect(limiter.delayMs(HOST)).toBeCloseTo(900, 9);
    // The floor travels with the saved state...
    const restored = new AdaptiveRateLimiter({ clock, initialState: limiter.toJSON() });
    succeed(restored, 10);
    expect(restored.delayMs(HOST)).toBeCloseTo(900, 9);
    // ...and is forgotten after an hour, since the API's limit may have changed.
    await clock.advance(3_600_001);
    succeed(restored, 10);
    expect(restored.delayMs(HOST)).toBeCloseTo(810, 9);
  });

  it('multiplies by 1.5 on an error and restarts the success count', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock() });
    succeed(limiter, 9);
    limiter.onError(HOST);
    expect(limiter.delayMs(HOST)).toBe(1500);
    succeed(limiter, 9);
    expect(limiter.delayMs(HOST)).toBe(1500);
    succeed(limiter, 1);
    expect(limiter.delayMs(HOST)).toBe(1350);
  });

  it('keeps fractional milliseconds instead of rounding', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock(), defaultDelayMs: 333 });
    limiter.onError(HOST);
    expect(limiter.delayMs(HOST)).toBe(499.5);
  });

  it('clamps to minDelayMs and maxDelayMs', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock(), minDelayMs: 950, maxDelayMs: 3000 });
    succeed(limiter, 30);
    expect(limiter.delayMs(HOST)).toBe(950);
    for (let i = 0; i < 5; i++) limiter.onRateLimit(HOST);
    expect(limiter.delayMs(HOST)).toBe(3000);
    limiter.setPace(HOST, 10);
    expect(limiter.delayMs(HOST)).toBe(950);
  });

  it('keeps hosts independent', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock() });
    limiter.onRateLimit('a.example');
    succeed(limiter, 10, 'b.example');
    expect(limiter.delayMs('a.example')).toBe(2000);
    expect(limiter.delayMs('b.example')).toBe(900);
    expect(limiter.delayMs('c.example')).toBe(1000);
    expect(limiter.hosts().sort()).toEqual(['a.example', 'b.example']);
  });

  it('spaces 5 concurrent waits on one host by the delay, and does not delay another host', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    const { wokeAt, done } = startWaits(limiter, clock, 5);
    const other = startWaits(limiter, clock, 1, 'other.example');
    await flushMicrotasks();
    expect(wokeAt).toEqual([start]);
    expect(other.wokeAt).toEqual([start]);
    await clock.advance(10_000);
    await done;
    expect(wokeAt.map((t) => t - start)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('lets the first call after an idle pause go at once, with no burst behind it', async () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock });
    await limiter.wait(HOST);
    await clock.advance(60_000);
    const resumedAt = clock.now();
    const { wokeAt, done } = startWaits(limiter, clock, 3);
    await clock.advance(5_000);
    await done;
    expect(wokeAt.map((t) => t - resumedAt)).toEqual([0, 1000, 2000]);
  });

  it('blocks the host until Retry-After has passed, then resumes one slot at a time', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    await limiter.wait(HOST);
    limiter.onRateLimit(HOST, 30_000);
    const { wokeAt, done } = startWaits(limiter, clock, 2);
    const elsewhere = startWaits(limiter, clock, 1, 'other.example');
    await clock.advance(29_999);
    expect(wokeAt).toEqual([]);
    expect(elsewhere.wokeAt).toEqual([start]);
    await clock.advance(10_000);
    await done;
    expect(wokeAt.map((t) => t - start)).toEqual([30_000, 32_000]);
  });

  it('re-queues waiters behind a rate limit that arrives while they sleep', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    const { wokeAt, done } = startWaits(limiter, clock, 3); // slots at 0, 1000, 2000
    await clock.advance(500);
    limiter.onRateLimit(HOST, 10_000); // blocked until 10 500; delay now 2000
    await clock.advance(20_000);
    await done;
    expect(wokeAt.map((t) => t - start)).toEqual([0, 10_500, 12_500]);
  });

  it('rejects an aborted wait and gives its slot back', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    await limiter.wait(HOST);
    const controller = new AbortController();
    const aborted = limiter.wait(HOST, controller.signal);
    await flushMicrotasks();
    controller.abort(new Error('user cancelled'));
    await expect(aborted).rejects.toThrow('user cancelled');
    expect(clock.pendingSleeps).toBe(0);
    await expect(limiter.wait(HOST, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');

    const { wokeAt, done } = startWaits(limiter, clock, 1);
    await clock.advance(5_000);
    await done;
    expect(wokeAt.map((t) => t - start)).toEqual([1000]);
  });

  it('lets configureHost set a starting delay that a restored, learned delay overrides', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock });
    limiter.configureHost('slow.example', { defaultDelayMs: 12_000 });
    limiter.configureHost('learned.example', { defaultDelayMs: 12_000, minDelayMs: 5_000 });
    limiter.restore({ 'learned.example': { delayMs: 7_000, successes: 3, blockedUntil: 0, nextSlotAt: 0, updatedAt: 0 } });
    expect(limiter.delayMs('slow.example')).toBe(12_000);
    expect(limiter.delayMs('learned.example')).toBe(7_000);
    limiter.configureHost('learned.example', { minDelayMs: 8_000 });
    expect(limiter.delayMs('learned.example')).toBe(8_000);
  });

  it('blockUntil never shortens an existing block', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    limiter.blockUntil(HOST, start + 20_000);
    limiter.blockUntil(HOST, start + 5_000);
    expect(limiter.toJSON()[HOST]?.blockedUntil).toBe(start + 20_000);
  });

  describe('toJSON / restore', () => {
    it('round-trips learned delays, success counts and blocks through JSON', async () => {
      const clock = new ManualClock();
      const limiter = new AdaptiveRateLimiter({ clock });
      succeed(limiter, 13);
      limiter.onRateLimit('b.example', 45_000);
      const snapshot = JSON.parse(JSON.stringify(limiter.toJSON()));
      expect(snapshot[HOST]).toEqual({ delayMs: 900, successes: 3, blockedUntil: 0, nextSlotAt: 0, updatedAt: clock.now() });

      const restored = new AdaptiveRateLimiter({ clock, initialState: snapshot });
      expect(restored.delayMs(HOST)).toBe(900);
      succeed(restored, 7);
      expect(restored.delayMs(HOST)).toBeCloseTo(810, 9);
      expect(restored.delayMs('b.example')).toBe(2000);
      const blocked = startWaits(restored, clock, 1, 'b.example');
      await clock.advance(44_999);
      expect(blocked.wokeAt).toEqual([]);
      await clock.advance(1);
      await blocked.done;
    });

    it('skips damaged entries and limits slots a dead run reserved to one spacing', async () => {
      const clock = new ManualClock();
      const limiter = new AdaptiveRateLimiter({ clock });
      limiter.restore({
        bad: { delayMs: 'x' } as never,
        worse: null as never,
        [HOST]: { delayMs: 1000, successes: 0, blockedUntil: 0, nextSlotAt: clock.now() + 600_000, updatedAt: 0 },
      });
      expect(limiter.hosts()).toEqual([HOST]);
      const { wokeAt, done } = startWaits(limiter, clock, 1);
      await clock.advance(2_000);
      await done;
      expect(wokeAt).toEqual([clock.now() - 1000]);
    });
  });

  it('validates its options', () => {
    expect(() => new AdaptiveRateLimiter({ minDelayMs: -1 })).toThrow(/minDelayMs/);
    expect(() => new AdaptiveRateLimiter({ minDelayMs: 10, maxDelayMs: 5 })).toThrow(/maxDelayMs/);
    expect(() => new AdaptiveRateLimiter({ successesToSpeedUp: 0 })).toThrow(/successesToSpeedUp/);
    expect(() => new AdaptiveRateLimiter({ speedUpFactor: 0 })).toThrow(/speedUpFactor/);
  });
});

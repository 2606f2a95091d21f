import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { ManualClock } from '../helpers/manual-clock.js';

const HOST = 'api.example.com';
const DAY_MS = 86_400_000;

describe('AdaptiveRateLimiter: a documented rate', () => {
  it('paces at the documented delay plus the arrival margin and never faster', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock() });
    limiter.configureHost(HOST, { documentedDelayMs: 2000 });
    expect(limiter.delayMs(HOST)).toBe(2080);
    for (let i = 0; i < 50; i++) limiter.onSuccess(HOST);
    expect(limiter.delayMs(HOST)).toBe(2080);
    limiter.setPace(HOST, 10);
    expect(limiter.delayMs(HOST)).toBe(2080);
  });

  it('takes a first rate limit at that pace as jitter: a 10% step back that holds, not a halving', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock });
    limiter.configureHost(HOST, { documentedDelayMs: 2000 });
    limiter.onRateLimit(HOST, 1000);
    expect(limiter.delayMs(HOST)).toBeCloseTo(2288, 6);
    expect(limiter.blockedUntil(HOST)).toBe(clock.now() + 1000);
    for (let i = 0; i < 50; i++) limiter.onSuccess(HOST);
    expect(limiter.delayMs(HOST)).toBeCloseTo(2288, 6);
    // A second one says the documented rate is not what this API enforces: back off properly.
    limiter.onRateLimit(HOST);
    expect(limiter.delayMs(HOST)).toBeCloseTo(4576, 6);
  });

  it('a documented 0 (no per-call limit) stays unpaced', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock() });
    limiter.configureHost(HOST, { documentedDelayMs: 0 });
    limiter.onRateLimit(HOST);
    expect(limiter.delayMs(HOST)).toBe(0);
  });
});

describe('AdaptiveRateLimiter: one slow-down per pace', () => {
  it('requests sent before the last slow-down do not slow the host again', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock, defaultDelayMs: 100 });
    const sentAt = clock.now();
    clock.set(sentAt + 50);
    limiter.onRateLimit(HOST, undefined, sentAt);
    limiter.onRateLimit(HOST, 500, sentAt);
    limiter.onRateLimit(HOST, undefined, sentAt + 10);
    expect(limiter.delayMs(HOST)).toBe(200);
    // ...but the block they carry still applies.
    expect(limiter.blockedUntil(HOST)).toBe(clock.now() + 500);
    limiter.onRateLimit(HOST, undefined, clock.now());
    expect(limiter.delayMs(HOST)).toBe(400);
  });
});

describe('AdaptiveRateLimiter: the queue', () => {
  it('a slow-down reaches callers already waiting, not only those who come after it', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    const startedAt: number[] = [];
    const waits = [0, 1, 2].map((i) => limiter.wait(HOST).then(() => (startedAt[i] = clock.now() - start)));
    await clock.advance(1);
    // The first request answers "slow down" (no Retry-After): the delay doubles for the two in line.
    limiter.onRateLimit(HOST, undefined, start);
    await clock.advance(10_000);
    await Promise.all(waits);
    expect(startedAt).toEqual([0, 2000, 4000]);
  });
});

describe('AdaptiveRateLimiter: aborting in line', () => {
  it('a caller that gives up while waiting behind another keeps the order and the spacing of the rest', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    const startedAt: Record<string, number> = {};
    const mark = (name: string) => () => {
      startedAt[name] = clock.now() - start;
    };
    await limiter.wait(HOST).then(mark('a'));
    const b = limiter.wait(HOST).then(mark('b'));
    const controller = new AbortController();
    const c = limiter.wait(HOST, controller.signal).catch(() => 'aborted');
    const d = limiter.wait(HOST).then(mark('d'));
    controller.abort();
    expect(await c).toBe('aborted');
    await clock.advance(5_000);
    await Promise.all([b, d]);
    expect(startedAt).toEqual({ a: 0, b: 1000, d: 2000 });
  });
});

describe('AdaptiveRateLimiter: ramp-up for a host with no documented rate', () => {
  it('doubles the rate per halving time of back-to-back successes until the first rate limit', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock, rampUpHalvingMs: 1000 });
    // Successes one delay apart: after 1 s of them the delay has halved.
    limiter.onSuccess(HOST);
    clock.set(clock.now() + 1000);
    limiter.onSuccess(HOST);
    expect(limiter.delayMs(HOST)).toBeCloseTo(500, 6);
    // Three more seconds of paced successes: 2 ** 3 times faster again.
    const until = clock.now() + 3000;
    while (clock.now() < until) {
      clock.set(clock.now() + limiter.delayMs(HOST));
      limiter.onSuccess(HOST);
    }
    expect(limiter.delayMs(HOST)).toBeGreaterThan(55);
    expect(limiter.delayMs(HOST)).toBeLessThan(70);
    // The first rate limit sets a floor (the refused pace, 15% slower) and doubles the delay;
    // the ramp goes on at half speed and stops at the floor.
    const refused = limiter.delayMs(HOST);
    limiter.onRateLimit(HOST);
    expect(limiter.delayMs(HOST)).toBeCloseTo(refused * 2, 6);
    const floor = limiter.toJSON()[HOST]?.floorMs as number;
    expect(floor).toBeCloseTo(refused / 0.85, 6);
    clock.set(clock.now() + limiter.delayMs(HOST));
    limiter.onSuccess(HOST);
    expect(limiter.delayMs(HOST)).toBeLessThan(refused * 2);
    for (let i = 0; i < 200; i++) {
      clock.set(clock.now() + limiter.delayMs(HOST));
      limiter.onSuccess(HOST);
      expect(limiter.delayMs(HOST)).toBeGreaterThanOrEqual(floor);
    }
    expect(limiter.delayMs(HOST)).toBeCloseTo(floor, 6);
  });

  it('sparse calls do not ramp: at most two delays of back-to-back time count', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock, rampUpHalvingMs: 1000 });
    limiter.onSuccess(HOST);
    clock.set(clock.now() + 3_600_000);
    limiter.onSuccess(HOST);
    expect(limiter.delayMs(HOST)).toBeCloseTo(250, 6);
  });

  it('is off by default, so the seed numbers hold', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock });
    for (let i = 0; i < 10; i++) {
      clock.set(clock.now() + 1000);
      limiter.onSuccess(HOST);
    }
    expect(limiter.delayMs(HOST)).toBe(900);
  });
});

describe('AdaptiveRateLimiter: restoring hostile state', () => {
  it('discards an entry with a delay above 120 s or a time more than a day ahead as damaged', () => {
    const clock = new ManualClock();
    const now = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    const sane = { delayMs: 2000, successes: 0, blockedUntil: 0, nextSlotAt: now, updatedAt: now };
    for (const damage of [{ delayMs: 1e12 }, { delayMs: 120_001 }, { blockedUntil: now + DAY_MS + 1 }, { nextSlotAt: now + 2 * DAY_MS }]) {
      limiter.restore({ [HOST]: { ...sane, ...damage } });
      // The host starts afresh at its starting pace, as if nothing had been saved.
      expect(limiter.delayMs(HOST), JSON.stringify(damage)).toBe(new AdaptiveRateLimiter({ clock }).delayMs(HOST));
      expect(limiter.blockedUntil(HOST)).toBe(0);
    }
  });

  it('clamps every restored number and time to what the limiter could itself have set', async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const limiter = new AdaptiveRateLimiter({ clock });
    limiter.restore({
      [HOST]: {
        delayMs: 120_000,
        successes: 1e9,
        blockedUntil: now + DAY_MS,
        nextSlotAt: now + DAY_MS,
        updatedAt: now + DAY_MS,
        floorMs: 120_000,
        floorUntil: now + DAY_MS,
      },
    });
    const saved = limiter.toJSON()[HOST];
    expect(saved).toEqual({
      delayMs: 120_000,
      successes: 9,
      blockedUntil: now + DAY_MS,
      nextSlotAt: now + 120_000,
      updatedAt: now,
      floorMs: 120_000,
      floorUntil: now + 3_600_000,
    });
    // The wait is bounded by the clamped block, not by the year 33 658.
    let passed = false;
    const waiting = limiter.wait(HOST).then(() => {
      passed = true;
    });
    await clock.advance(DAY_MS);
    await waiting;
    expect(passed).toBe(true);
  });

  it('holds a restored delay to the host bounds configured before the restore', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new ManualClock() });
    limiter.configureHost(HOST, { documentedDelayMs: 1000 });
    limiter.restore({ [HOST]: { delayMs: 1, successes: 0, blockedUntil: 0, nextSlotAt: 0, updatedAt: 0 } });
    expect(limiter.delayMs(HOST)).toBe(1040);
  });

  it('blockUntil caps a block at maxBlockMs from now', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveRateLimiter({ clock, maxBlockMs: 60_000 });
    limiter.blockUntil(HOST, clock.now() + 1e13);
    expect(limiter.blockedUntil(HOST)).toBe(clock.now() + 60_000);
  });

  it('validates the new options', () => {
    expect(() => new AdaptiveRateLimiter({ rampUpHalvingMs: 0 })).toThrow(/rampUpHalvingMs/);
    expect(() => new AdaptiveRateLimiter({ arrivalMargin: -0.1 })).toThrow(/arrivalMargin/);
    expect(() => new AdaptiveRateLimiter({ documentedRateLimitFactor: 0.5 })).toThrow(/documentedRateLimitFactor/);
    expect(() => new AdaptiveRateLimiter().configureHost(HOST, { documentedDelayMs: Number.NaN })).toThrow(/documentedDelayMs/);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCircuitOpenError } from '../../../src/errors.js';
import { SharedBreaker } from '../../../src/fleet/shared-breaker.js';
import { SharedPacer } from '../../../src/fleet/shared-pacer.js';
import { AdaptiveRateLimiter } from '../../../src/resilience/adaptive-rate-limiter.js';
import { CircuitBreaker } from '../../../src/resilience/circuit-breaker.js';
import { DiskCache } from '../../../src/store/file/disk-cache.js';
import { PendingWrites } from '../../../src/store/pending-writes.js';
import { RedisBudgets, RedisHistory } from '../../../src/store/redis/redis-budgets.js';
import { RedisCache } from '../../../src/store/redis/redis-cache.js';
import { RedisConnection } from '../../../src/store/redis/redis-connection.js';
import { RedisBreakers, RedisPacing } from '../../../src/store/redis/redis-host-state.js';
import { RedisRunMemory } from '../../../src/store/redis/redis-run-memory.js';
import type { BreakerRules, BudgetPort, PacingPort, SourceHistoryPort } from '../../../src/store/store-ports.js';
import { driveClock } from '../../helpers/drive-clock.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { parseArray, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../../helpers/redis-server.js';
import { removeDir, tempCacheDir } from '../../helpers/run-cli.js';

const RULES: BreakerRules = { failureThreshold: 3, recoveryTimeoutMs: 60_000, halfOpenMaxProbes: 1, halfOpenMaxMs: 30_000 };
const HOST = 'api.example.test';

/** A file-store stand-in that must never be asked while Redis answers. */
const UNUSED_BUDGETS: BudgetPort = {
  consume: () => Promise.reject(new Error('the file budgets were used while Redis was up')),
  remaining: () => Promise.reject(new Error('the file budgets were used while Redis was up')),
};

describe.skipIf(REDIS_SKIP_NOTE !== undefined)('the Redis ports', () => {
  let redis: RedisServer;
  let clock: ManualClock;
  const open: RedisConnection[] = [];

  /** One connection per simulated process, all on the test's clock. */
  async function connect(prefix = 'qaht:'): Promise<RedisConnection> {
    const connection = await RedisConnection.open({ location: { kind: 'redis', url: redis.url, safeUrl: redis.url, prefix }, clock });
    open.push(connection);
    return connection;
  }

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    await redis.flush();
    clock = new ManualClock();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
  });

  describe('breaker steps follow CircuitBreaker exactly', () => {
    type Op = 'acquire' | 'success' | 'failure' | { advanceMs: number };
    const cases: Record<string, Op[]> = {
      'opens after the threshold and refuses until recovery': [
        'failure',
        'failure',
        'acquire',
        'failure',
        'acquire',
        { advanceMs: 59_999 },
        'acquire',
      ],
      'a success resets the count': ['failure', 'failure', 'success', 'failure', 'failure', 'acquire'],
      'one probe after recovery; its success closes': [
        'failure',
        'failure',
        'failure',
        { advanceMs: 60_000 },
        'acquire',
        'acquire',
        'success',
        'acquire',
        'acquire',
      ],
      'a failed probe re-opens for a full recovery time': [
        'failure',
        'failure',
        'failure',
        { advanceMs: 60_000 },
        'acquire',
        'failure',
        'acquire',
        { advanceMs: 60_000 },
        'acquire',
      ],
      'a probe that never reports counts as failed after halfOpenMax': [
        'failure',
        'failure',
        'failure',
        { advanceMs: 60_000 },
        'acquire',
        { advanceMs: 30_000 },
        'acquire',
        { advanceMs: 60_000 },
        'acquire',
      ],
      'late failures while open do not push recovery back': [
        'failure',
        'failure',
        'failure',
        { advanceMs: 10_000 },
        'failure',
        { advanceMs: 50_000 },
        'acquire',
      ],
    };
    it.each(Object.entries(cases))('%s', async (_name, ops) => {
      const connection = await connect();
      const writes = new PendingWrites();
      const shared = new SharedBreaker({
        host: HOST,
        port: new RedisBreakers(connection),
        rules: RULES,
        clock,
        writes,
        local: () => {
          throw new Error('no fallback while Redis is up');
        },
      });
      const local = new CircuitBreaker({ ...RULES, clock });
      type Steps = Pick<CircuitBreaker, 'recordSuccess' | 'recordFailure' | 'retryAfterMs' | 'state'> & {
        tryAcquire(): void | Promise<void>;
      };
      const trace = async (breaker: Steps, settle: () => Promise<void>): Promise<string[]> => {
        const seen: string[] = [];
        for (const op of ops) {
          if (typeof op === 'object') {
            clock.set(clock.now() + op.advanceMs);
          } else if (op === 'acquire') {
            try {
              await breaker.tryAcquire();
              seen.push('admitted');
            } catch (error) {
              seen.push(isCircuitOpenError(error) ? `refused, next try in ${error.retryAfterMs} ms` : String(error));
            }
          } else if (op === 'success') breaker.recordSuccess();
          else breaker.recordFailure();
          // A shared breaker writes outcomes behind the call; its next admission waits for them, and so does this.
          await settle();
          seen.push(`${breaker.state}, ${breaker.retryAfterMs()} ms`);
        }
        return seen;
      };
      const start = clock.now();
      const expected = await trace(local, async () => undefined);
      clock.set(start);
      expect(await trace(shared, () => writes.settleAll())).toEqual(expected);
    });
  });

  it('admits exactly one probe fleet-wide after the recovery time', async () => {
    const processes = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const connection = await connect();
        return new SharedBreaker({
          host: HOST,
          port: new RedisBreakers(connection),
          rules: RULES,
          clock,
          writes: new PendingWrites(),
          local: () => new CircuitBreaker({ clock }),
        });
      }),
    );
    const writes = new PendingWrites();
    const opener = new SharedBreaker({
      host: HOST,
      port: new RedisBreakers(await connect()),
      rules: RULES,
      clock,
      writes,
      local: () => new CircuitBreaker({ clock }),
    });
    for (let i = 0; i < 3; i++) opener.recordFailure();
    await writes.settleAll();
    // Open in every process, without any of them having seen a failure.
    const refusals = await Promise.allSettled(processes.map((breaker) => breaker.tryAcquire()));
    expect(refusals.every((outcome) => outcome.status === 'rejected')).toBe(true);
    clock.set(clock.now() + RULES.recoveryTimeoutMs);
    const probes = await Promise.allSettled(processes.map((breaker) => breaker.tryAcquire()));
    expect(probes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(processes.map((breaker) => breaker.state)).toEqual(['HALF_OPEN', 'HALF_OPEN', 'HALF_OPEN', 'HALF_OPEN']);
  });

  it('spaces the slots of several processes one delay apart, and a Retry-After seen by one holds them all', async () => {
    const start = clock.now();
    /** The slot each reservation got, from the store's answer: when that caller may send. */
    const slots: number[] = [];
    const pacers = await Promise.all(
      [0, 1, 2].map(async () => {
        const local = new AdaptiveRateLimiter({ clock });
        local.configureHost(HOST, { documentedDelayMs: 1000 });
        const port = new RedisPacing(await connect());
        const recording: PacingPort = {
          reserveSlot: async (host, bounds) => {
            // The time the store reserved at (the clock may move while the answer travels).
            const askedAt = clock.now();
            const grant = await port.reserveSlot(host, bounds);
            if (grant.reserved) slots.push(askedAt + grant.waitMs - start);
            return grant;
          },
          blockedUntil: (host) => port.blockedUntil(host),
          block: (host, untilMs) => port.block(host, untilMs),
          updatePace: (host, version, next) => port.updatePace(host, version, next),
        };
        return new SharedPacer({ port: recording, local, clock, maxWaitMs: 120_000 });
      }),
    );
    await driveClock(clock, Promise.all(pacers.flatMap((pacer) => [0, 1].map(() => pacer.wait(HOST)))));
    const starts = slots;
    // Documented 1 s plus the 4% arrival margin, one schedule for all three processes.
    expect(starts.sort((a, b) => a - b)).toEqual([0, 1040, 2080, 3120, 4160, 5200]);

    pacers[0]!.onRateLimit(HOST, 30_000, clock.now());
    await pacers[0]!.flush();
    const blockedAt = clock.now();
    await driveClock(clock, pacers[2]!.wait(HOST));
    expect(clock.now() - blockedAt).toBeGreaterThanOrEqual(30_000);
    // At the documented pace a 429 is taken for jitter: 10% slower, and another process's next slot knows it.
    expect(pacers[2]!.delayMs(HOST)).toBeCloseTo(1144, 6);
  });

  it('never grants more than a daily budget in total, however many processes ask at once', async () => {
    const ledgers = await Promise.all([0, 1, 2, 3].map(async () => new RedisBudgets(await connect(), UNUSED_BUDGETS)));
    const grants = await Promise.all(ledgers.flatMap((ledger) => Array.from({ length: 10 }, () => ledger.consume('alphavantage', 1, 25))));
    expect(grants.reduce((sum, granted) => sum + granted, 0)).toBe(25);
    expect(await ledgers[0]!.remaining('alphavantage', 25)).toBe(0);
    // A new UTC day starts from zero.
    clock.set(clock.now() + 24 * 3600_000);
    expect(await ledgers[1]!.remaining('alphavantage', 25)).toBe(25);
  });

  it('fills a cache entry once for every process: one fetch, the others served what it wrote', async () => {
    const dir = await tempCacheDir();
    try {
      let fetches = 0;
      const caches = await Promise.all(
        [0, 1, 2].map(async () => new RedisCache({ connection: await connect(), fallback: new DiskCache({ dir, clock }) })),
      );
      const lookups = await driveClock(
        clock,
        Promise.all(
          caches.map((cache) =>
            cache.view('normal').lookup({
              source: 'hn',
              key: 'hn:search?q=bitcoin',
              ttlMs: 60_000,
              fetch: async () => {
                fetches++;
                await new Promise((resolve) => setTimeout(resolve, 50));
                return { hits: [1, 2, 3] };
              },
            }),
          ),
        ),
      );
      expect(fetches).toBe(1);
      expect(lookups.map((lookup) => lookup.status).sort()).toEqual(['cached', 'cached', 'fresh']);
      expect(lookups.every((lookup) => JSON.stringify(lookup.value) === '{"hits":[1,2,3]}')).toBe(true);
      const [listing] = await caches[0]!.list();
      expect(listing).toMatchObject({ key: 'hn:search?q=bitcoin', source: 'hn', ttlMs: 60_000 });
      expect(await caches[1]!.clear('coingecko')).toBe(0);
      expect(await caches[1]!.clear('hn')).toBe(1);
      expect(await caches[2]!.list()).toEqual([]);
    } finally {
      await removeDir(dir);
    }
  });

  it('keeps history newest-wins and remembers run documents until their TTL', async () => {
    const fallback: SourceHistoryPort = {
      recordSuccess: () => undefined,
      recordFailure: () => undefined,
      recordRateLimit: () => undefined,
      flush: async () => undefined,
      read: async () => ({}),
    };
    const connection = await connect();
    const history = new RedisHistory(connection, fallback, ['sekrit-key-1234']);
    const now = clock.now();
    history.recordSuccess('hn', now);
    history.recordSuccess('hn', now - 5_000);
    history.recordFailure('hn', now - 1_000, 'HTTP 503 from GET https://x.test/?token=sekrit-key-1234');
    history.recordRateLimit('hn', now - 2_000);
    history.recordRateLimit('hn', now - 25 * 3600_000);
    await history.flush();
    expect((await history.read(['hn', 'gdelt'])).hn).toEqual({
      lastSuccessAt: now,
      lastFailureAt: now - 1_000,
      lastFailureReason: 'HTTP 503 from GET https://x.test/?token=REDACTED',
      rateLimitEvents: [now - 2_000],
    });

    const memory = new RedisRunMemory(connection, undefined);
    await memory.save('crypto --changes', { rows: ['BTC', 'ETH'] }, 60_000);
    expect(await memory.load('crypto --changes')).toEqual({ rows: ['BTC', 'ETH'] });
    expect(await memory.load('news --changes')).toBeUndefined();
    const [memoryKey] = parseArray(await redis.command('KEYS', 'qaht:memory:*'));
    expect(Number((await redis.command('PTTL', memoryKey!)).slice(1))).toBeGreaterThan(50_000);
  });

  it('puts every key under the prefix, each with a TTL', async () => {
    const connection = await connect('team-a:');
    const pacer = new SharedPacer({
      port: new RedisPacing(connection),
      local: new AdaptiveRateLimiter({ clock }),
      clock,
      maxWaitMs: 120_000,
    });
    await pacer.wait(HOST);
    pacer.onRateLimit(HOST, 1_000, clock.now());
    await pacer.flush();
    const writes = new PendingWrites();
    const breaker = new SharedBreaker({
      host: HOST,
      port: new RedisBreakers(connection),
      rules: RULES,
      clock,
      writes,
      local: () => new CircuitBreaker({ clock }),
    });
    breaker.recordFailure();
    await writes.settleAll();
    await new RedisBudgets(connection, UNUSED_BUDGETS).consume('newsapi', 1, 100);
    const keys = (await redis.dump()).map((entry) => entry.key);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      expect(key.startsWith('team-a:'), key).toBe(true);
      expect(Number((await redis.command('PTTL', key)).slice(1)), key).toBeGreaterThan(0);
    }
  });
});

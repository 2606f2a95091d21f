import { describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, QahtError } from '../../src/errors.js';
import { CircuitBreaker, type BreakerStateChange } from '../../src/resilience/circuit-breaker.js';
import { ManualClock } from '../helpers/manual-clock.js';

const boom = (): Promise<never> => Promise.reject(new Error('boom'));
const ok = (): Promise<string> => Promise.resolve('ok');

/** Opens `breaker` with `threshold` consecutive failures. */
async function trip(breaker: CircuitBreaker, threshold = 5): Promise<void> {
  for (let i = 0; i < threshold; i++) await expect(breaker.call(boom)).rejects.toThrow('boom');
}

describe('CircuitBreaker', () => {
  it('follows the seed story: trips after 5 failures, rejects without calling, probes after 60 s, closes on success', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    await expect(breaker.call(ok)).resolves.toBe('ok');
    await expect(breaker.call(ok)).resolves.toBe('ok');
    for (let i = 0; i < 4; i++) {
      await expect(breaker.call(boom)).rejects.toThrow('boom');
      expect(breaker.state).toBe('CLOSED');
    }
    await expect(breaker.call(boom)).rejects.toThrow('boom');
    expect(breaker.state).toBe('OPEN');

    const eighth = vi.fn(ok);
    const rejection = await breaker.call(eighth).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(CircuitOpenError);
    expect((rejection as CircuitOpenError).retryAfterMs).toBe(60_000);
    expect(eighth).not.toHaveBeenCalled();

    await clock.advance(59_999);
    expect(breaker.state).toBe('OPEN');
    await expect(breaker.call(eighth)).rejects.toMatchObject({ code: 'QAHT_ERR_CIRCUIT_OPEN', retryAfterMs: 1 });
    await clock.advance(1);
    expect(breaker.state).toBe('HALF_OPEN');

    let release!: (value: string) => void;
    const probe = breaker.call(() => new Promise<string>((resolve) => (release = resolve)));
    expect(breaker.state).toBe('HALF_OPEN');
    release('probed');
    await expect(probe).resolves.toBe('probed');
    expect(breaker.state).toBe('CLOSED');
  });

  it('re-opens when the probe fails, with a fresh recovery time', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    await trip(breaker);
    await clock.advance(60_000);
    expect(breaker.state).toBe('HALF_OPEN');
    await expect(breaker.call(boom)).rejects.toThrow('boom');
    expect(breaker.state).toBe('OPEN');
    expect(breaker.retryAfterMs()).toBe(60_000);
    await clock.advance(60_000);
    expect(breaker.state).toBe('HALF_OPEN');
  });

  it('counts consecutive failures only: a success in CLOSED resets the count', async () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock(), failureThreshold: 3 });
    await trip(breaker, 2);
    await breaker.call(ok);
    await trip(breaker, 2);
    expect(breaker.state).toBe('CLOSED');
    await trip(breaker, 1);
    expect(breaker.state).toBe('OPEN');
  });

  it('admits a bounded number of probes and rejects concurrent callers fast with the time left', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, halfOpenMaxProbes: 2, halfOpenMaxMs: 30_000 });
    await trip(breaker);
    await clock.advance(60_000);

    const releases: Array<() => void> = [];
    const hang = (): Promise<void> => new Promise<void>((resolve) => releases.push(resolve));
    const probes = [breaker.call(hang), breaker.call(hang)];
    await clock.advance(10_000);
    const third = vi.fn(ok);
    await expect(breaker.call(third)).rejects.toMatchObject({ code: 'QAHT_ERR_CIRCUIT_OPEN', retryAfterMs: 20_000 });
    expect(third).not.toHaveBeenCalled();
    expect(breaker.retryAfterMs()).toBe(20_000);

    for (const release of releases) release();
    await Promise.all(probes);
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.retryAfterMs()).toBe(0);
  });

  it('treats a probe that outlives halfOpenMaxMs as failed, so a hung probe cannot pin HALF_OPEN', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, halfOpenMaxMs: 30_000 });
    const changes: BreakerStateChange[] = [];
    breaker.onStateChange((change) => changes.push(change));
    await trip(breaker);
    const openedAt = clock.now();
    await clock.advance(60_000);
    void breaker.call(() => new Promise<never>(() => {})); // hangs forever
    await expect(breaker.call(ok)).rejects.toBeInstanceOf(CircuitOpenError);

    await clock.advance(30_000);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.toJSON()).toEqual({ state: 'OPEN', failures: 0, openedAt: openedAt + 90_000 });
    await expect(breaker.call(ok)).rejects.toMatchObject({ retryAfterMs: 60_000 });

    await clock.advance(60_000);
    await expect(breaker.call(ok)).resolves.toBe('ok');
    expect(changes.map((c) => `${c.from}>${c.to}@${c.at - openedAt}`)).toEqual([
      'CLOSED>OPEN@0',
      'OPEN>HALF_OPEN@60000',
      'HALF_OPEN>OPEN@90000',
      'OPEN>HALF_OPEN@150000',
      'HALF_OPEN>CLOSED@150000',
    ]);
  });

  it('ignores late failures of calls admitted before it tripped', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    breaker.tryAcquire();
    breaker.tryAcquire();
    breaker.recordFailure();
    await clock.advance(30_000);
    breaker.recordFailure(); // the second call fails later; recovery time must not move
    expect(breaker.retryAfterMs()).toBe(30_000);
    breaker.recordSuccess(); // nor does a late success close it
    expect(breaker.state).toBe('OPEN');
  });

  it('exposes tryAcquire/recordSuccess/recordFailure for callers that cannot wrap a function', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2 });
    breaker.tryAcquire();
    breaker.recordFailure();
    breaker.tryAcquire();
    breaker.recordFailure();
    expect(() => breaker.tryAcquire()).toThrow(CircuitOpenError);
    await clock.advance(60_000);
    breaker.tryAcquire(); // the probe
    expect(() => breaker.tryAcquire()).toThrow(CircuitOpenError);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
  });

  it('counts only errors isFailure accepts; others count as the dependency answering', async () => {
    const breaker = new CircuitBreaker({
      clock: new ManualClock(),
      failureThreshold: 2,
      isFailure: (error) => !(error instanceof QahtError && error.status === 404),
    });
    const notFound = (): Promise<never> => Promise.reject(new QahtError('QAHT_ERR_HTTP_STATUS', 'not found', { status: 404 }));
    await expect(breaker.call(boom)).rejects.toThrow();
    await expect(breaker.call(notFound)).rejects.toThrow('not found');
    await expect(breaker.call(boom)).rejects.toThrow();
    expect(breaker.state).toBe('CLOSED');
    await expect(breaker.call(notFound)).rejects.toThrow('not found');
    await expect(breaker.call(notFound)).rejects.toThrow('not found');
    expect(breaker.state).toBe('CLOSED');
  });

  it('passes arguments through and works with sync functions', async () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock() });
    await expect(breaker.call((a: number, b: number) => a + b, 2, 3)).resolves.toBe(5);
    await expect(
      breaker.call(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.toJSON()).toEqual({ state: 'CLOSED', failures: 1, openedAt: null });
  });

  it('reports transitions to listeners until unsubscribed, and survives a throwing listener', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    const seen: string[] = [];
    breaker.onStateChange(() => {
      throw new Error('bad listener');
    });
    const off = breaker.onStateChange((c) => seen.push(`${c.from}>${c.to}`));
    await expect(breaker.call(boom)).rejects.toThrow('boom');
    off();
    await clock.advance(60_000);
    await breaker.call(ok);
    expect(seen).toEqual(['CLOSED>OPEN']);
    expect(breaker.state).toBe('CLOSED');
  });

  describe('toJSON / restore', () => {
    it('round-trips CLOSED with its failure count and OPEN with its remaining recovery time', async () => {
      const clock = new ManualClock();
      const breaker = new CircuitBreaker({ clock, failureThreshold: 3 });
      await trip(breaker, 2);
      const closed = CircuitBreaker.fromJSON(JSON.parse(JSON.stringify(breaker)), { clock, failureThreshold: 3 });
      expect(closed.state).toBe('CLOSED');
      await trip(closed, 1);
      expect(closed.state).toBe('OPEN');

      await clock.advance(20_000);
      const restored = new CircuitBreaker({ clock, initialState: JSON.parse(JSON.stringify(closed.toJSON())) });
      expect(restored.state).toBe('OPEN');
      await expect(restored.call(ok)).rejects.toMatchObject({ retryAfterMs: 40_000 });
      await clock.advance(40_000);
      await expect(restored.call(ok)).resolves.toBe('ok');
      expect(restored.state).toBe('CLOSED');
    });

    it('saves HALF_OPEN as an OPEN breaker that may probe at once after restore', async () => {
      const clock = new ManualClock();
      const breaker = new CircuitBreaker({ clock });
      await trip(breaker);
      await clock.advance(60_000);
      void breaker.call(() => new Promise<never>(() => {})); // the process dies mid-probe
      await clock.advance(5_000);
      const snapshot = breaker.toJSON();
      expect(snapshot.state).toBe('OPEN');

      await clock.advance(1_000); // the next run starts a second later
      const restored = CircuitBreaker.fromJSON(snapshot, { clock });
      expect(restored.state).toBe('HALF_OPEN');
      expect(restored.retryAfterMs()).toBe(0);
      const probe = vi.fn(ok);
      await expect(restored.call(probe)).resolves.toBe('ok');
      expect(probe).toHaveBeenCalledOnce();
      expect(restored.state).toBe('CLOSED');
    });

    it('does not let a snapshot from the future pin the breaker open', () => {
      const clock = new ManualClock();
      const restored = new CircuitBreaker({ clock, initialState: { state: 'OPEN', failures: 0, openedAt: clock.now() + 3_600_000 } });
      expect(restored.retryAfterMs()).toBe(60_000);
    });

    it('holds hostile snapshots to what the breaker could have written: no opening centuries ahead, no count past the threshold', async () => {
      const clock = new ManualClock();
      // An opening centuries ahead is damaged: discarded, the breaker starts closed.
      const damaged = new CircuitBreaker({ clock, initialState: { state: 'OPEN', failures: 0, openedAt: 32_503_680_000_000 } });
      expect(damaged.state).toBe('CLOSED');
      expect(damaged.retryAfterMs()).toBe(0);
      // Within a day ahead (a skewed clock) it stays open for one recovery time from now, never longer.
      const opened = new CircuitBreaker({ clock, initialState: { state: 'OPEN', failures: 0, openedAt: clock.now() + 3_600_000 } });
      expect(opened.state).toBe('OPEN');
      expect(opened.retryAfterMs()).toBe(60_000);
      await clock.advance(60_000);
      await expect(opened.call(ok)).resolves.toBe('ok');
      expect(opened.state).toBe('CLOSED');

      const counted = new CircuitBreaker({ clock, failureThreshold: 5, initialState: { state: 'CLOSED', failures: 1e12, openedAt: null } });
      expect(counted.toJSON()).toEqual({ state: 'CLOSED', failures: 4, openedAt: null });
      await expect(counted.call(ok)).resolves.toBe('ok');
      expect(counted.toJSON().failures).toBe(0);
    });

    it('rejects a snapshot that is not one', () => {
      expect(() => new CircuitBreaker({ initialState: { state: 'OPEN', failures: 0, openedAt: null } })).toThrow(TypeError);
      expect(() => new CircuitBreaker({ initialState: { state: 'WEIRD' } as never })).toThrow(TypeError);
    });
  });

  it('validates its options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => new CircuitBreaker({ recoveryTimeoutMs: -1 })).toThrow(/recoveryTimeoutMs/);
    expect(() => new CircuitBreaker({ halfOpenMaxProbes: 1.5 })).toThrow(/halfOpenMaxProbes/);
    expect(() => new CircuitBreaker({ halfOpenMaxMs: 0 })).toThrow(/halfOpenMaxMs/);
  });
});

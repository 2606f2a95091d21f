import { describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, QahtError } from '../../src/errors.js';
import { retry, type RetryInfo } from '../../src/resilience/retry.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';

const transient = (): QahtError => new QahtError('QAHT_ERR_CONNECTION', 'connection reset');

/** An fn that throws the given errors in turn, then resolves 'done'. */
function failing(...errors: unknown[]): ReturnType<typeof vi.fn<(attempt: number) => Promise<string>>> {
  return vi.fn(async (attempt: number) => {
    const error = errors[attempt - 1];
    if (error !== undefined) throw error;
    return 'done';
  });
}

describe('retry', () => {
  it('retries transient errors with delays inside the full-jitter envelope, on the clock', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const randoms = [0.25, 0.999, 0.5];
    const seen: RetryInfo[] = [];
    const fn = failing(transient(), transient(), transient());
    const result = retry(fn, { clock, random: () => randoms.shift() ?? 0, onRetry: (info) => seen.push(info) });

    await flushMicrotasks();
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advance(499);
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await clock.advance(60_000);
    await expect(result).resolves.toBe('done');
    expect(fn).toHaveBeenCalledTimes(4);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    const envelopes = [2000, 4000, 8000];
    seen.forEach((info, i) => {
      expect(info.delayMs).toBeGreaterThanOrEqual(0);
      expect(info.delayMs).toBeLessThan(envelopes[i] as number);
    });
    expect(seen.map((s) => s.delayMs)).toEqual([500, 3996, 4000]);
    expect(fn.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4]);
    expect(clock.now() - start).toBe(60_500);
  });

  it('keeps jittered delays within the envelope for many random draws', async () => {
    for (let trial = 0; trial < 50; trial++) {
      const clock = new ManualClock();
      const delays: number[] = [];
      const result = retry(failing(transient(), transient(), transient()), {
        clock,
        onRetry: ({ delayMs }) => delays.push(delayMs),
      });
      await clock.advance(100_000);
      await result;
      for (const [i, delay] of delays.entries()) expect(delay).toBeLessThan(2000 * 2 ** i);
    }
  });

  it('throws the last error once retries are used up', async () => {
    const clock = new ManualClock();
    const fn = vi.fn(async () => {
      throw transient();
    });
    const result = retry(fn, { clock, maxRetries: 2, jitter: 'none' });
    const settled = expect(result).rejects.toThrow('connection reset');
    await clock.advance(6_000);
    await settled;
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('waits exactly the server-requested delay, without jitter', async () => {
    const clock = new ManualClock();
    const rateLimited = new QahtError('QAHT_ERR_RATE_LIMITED', '429', { status: 429, retryAfterMs: 7_000 });
    const fn = failing(rateLimited);
    const random = vi.fn(() => 0.5);
    const result = retry(fn, { clock, random });
    await clock.advance(6_999);
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    await expect(result).resolves.toBe('done');
    expect(random).not.toHaveBeenCalled();
  });

  it('retries at once on Retry-After: 0', async () => {
    const clock = new ManualClock();
    const fn = failing(new QahtError('QAHT_ERR_RATE_LIMITED', '429', { retryAfterMs: 0 }));
    await expect(retry(fn, { clock })).resolves.toBe('done');
  });

  it('throws instead of waiting when the server asks for longer than maxRetryAfterMs', async () => {
    const clock = new ManualClock();
    const fn = failing(new QahtError('QAHT_ERR_RATE_LIMITED', '429', { retryAfterMs: 3_600_000 }));
    await expect(retry(fn, { clock, maxRetryAfterMs: 120_000 })).rejects.toMatchObject({ retryAfterMs: 3_600_000 });
    expect(fn).toHaveBeenCalledOnce();
  });

  it('throws non-retryable errors at once', async () => {
    const clock = new ManualClock();
    for (const error of [new QahtError('QAHT_ERR_HTTP_STATUS', '404', { status: 404 }), new TypeError('bug'), 'a string']) {
      const fn = failing(error);
      await expect(retry(fn, { clock })).rejects.toBe(error);
      expect(fn).toHaveBeenCalledOnce();
    }
    expect(clock.pendingSleeps).toBe(0);
  });

  it('never retries CircuitOpenError, even when shouldRetry would', async () => {
    const fn = failing(new CircuitOpenError(5_000));
    await expect(retry(fn, { clock: new ManualClock(), shouldRetry: () => true })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('uses a custom shouldRetry', async () => {
    const fn = failing(new Error('flaky'));
    await expect(retry(fn, { clock: new ManualClock(), shouldRetry: () => true, baseDelayMs: 0 })).resolves.toBe('done');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('cancels the wait when the signal aborts, and passes the signal to fn', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const fn = vi.fn(async (_attempt: number, _signal?: AbortSignal) => {
      throw transient();
    });
    const result = retry(fn, { clock, signal: controller.signal });
    await flushMicrotasks();
    expect(clock.pendingSleeps).toBe(1);
    controller.abort(new Error('stop'));
    await expect(result).rejects.toThrow('stop');
    expect(fn).toHaveBeenCalledOnce();
    expect(fn.mock.calls[0]?.[1]).toBe(controller.signal);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('does not start when the signal is already aborted', async () => {
    const fn = vi.fn(async () => 'x');
    await expect(retry(fn, { clock: new ManualClock(), signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
    expect(fn).not.toHaveBeenCalled();
  });

  it('grows decorrelated delays from the previous one', async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const result = retry(failing(transient(), transient(), transient()), {
      clock,
      jitter: 'decorrelated',
      random: () => 1,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    await clock.advance(100_000);
    await result;
    expect(delays).toEqual([6000, 18_000, 30_000]);
  });

  it('validates maxRetries', async () => {
    await expect(retry(async () => 1, { maxRetries: -1 })).rejects.toThrow(/maxRetries/);
  });
});

import { describe, expect, it } from 'vitest';
import { withDeadline } from '../../../src/sources/news/with-deadline.js';
import { isQahtError } from '../../../src/errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('withDeadline', () => {
  it('rejects with QAHT_ERR_TIMEOUT when the deadline passes, even if the task ignores its signal', async () => {
    const clock = new ManualClock();
    let seen: AbortSignal | undefined;
    const outcome = withDeadline(clock, 10_000, 'gdelt', (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    }).catch((e: unknown) => e);
    await clock.advance(9_999);
    expect(seen!.aborted).toBe(false);
    await clock.advance(1);
    const error = await outcome;
    expect(isQahtError(error) && error.code).toBe('QAHT_ERR_TIMEOUT');
    expect((error as Error).message).toBe('gdelt did not answer within 10s');
    expect(seen!.aborted).toBe(true);
  });

  it('counts from the given start, so time spent before the task is inside the deadline', async () => {
    const clock = new ManualClock();
    const startedAt = clock.now();
    await clock.advance(2_500);
    const outcome = withDeadline(clock, 3_000, 'hn', () => new Promise<never>(() => {}), startedAt).catch((e: unknown) => e);
    await clock.advance(499);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(1);
    expect(await outcome).toMatchObject({ code: 'QAHT_ERR_TIMEOUT', message: 'hn did not answer within 3s' });
  });

  it('returns the task result and cancels its timer', async () => {
    const clock = new ManualClock();
    await expect(withDeadline(clock, 10_000, 'hn', async () => 42)).resolves.toBe(42);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('passes a task failure through', async () => {
    const clock = new ManualClock();
    await expect(withDeadline(clock, 10_000, 'hn', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(clock.pendingSleeps).toBe(0);
  });
});

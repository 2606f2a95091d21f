import { afterEach, describe, expect, it } from 'vitest';
import { ScreenBoard } from '../../src/serve/screen-board.js';
import { servedDocument } from '../../src/serve/served-document.js';
import { startRefreshSchedule } from '../../src/serve/refresh-schedule.js';
import { flushMicrotasks, ManualClock } from '../helpers/manual-clock.js';
import { cryptoResult, failedResult, gate, newsResult, scriptedJob, source } from './serve-fixtures.js';

/**
 * The schedule and the board on a manual clock: every job refreshes at once, then on its own
 * interval; a failed refresh keeps the last answer, served stale with its age; nothing is
 * recorded after the stop.
 */

const START = Date.UTC(2026, 10, 29, 10, 0, 0);
const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

function run(jobs: Parameters<typeof startRefreshSchedule>[0]['jobs'], clock: ManualClock) {
  const board = new ScreenBoard(jobs);
  const stop = new AbortController();
  stops.push(stop);
  const errors: unknown[] = [];
  const schedule = startRefreshSchedule({
    jobs,
    clock,
    signal: stop.signal,
    onRefreshed: (job, outcome, at) => board.record(job, outcome, at),
    onError: (error) => errors.push(error),
  });
  return { board, stop, schedule, errors };
}

describe('the refresh schedule', () => {
  it('refreshes every job at once, then each on its own interval from the start of its last refresh', async () => {
    const clock = new ManualClock(START);
    const crypto = scriptedJob('crypto', cryptoResult(START), { everyMs: 60_000 });
    const news = scriptedJob('news', newsResult(START, [{ title: 'a', url: 'https://example.com/a' }]), {
      query: 'bitcoin',
      everyMs: 300_000,
    });
    const { board } = run([crypto, news], clock);
    await flushMicrotasks();
    expect([crypto.calls, news.calls]).toEqual([1, 1]);
    expect(board.ready()).toBe(true);

    await clock.advance(59_999);
    expect(crypto.calls).toBe(1);
    await clock.advance(1);
    expect(crypto.calls).toBe(2);
    await clock.advance(240_000);
    expect([crypto.calls, news.calls]).toEqual([6, 2]);
  });

  it('never overlaps a job with itself: a refresh slower than its interval delays the next one', async () => {
    const clock = new ManualClock(START);
    const slow = gate();
    const job = scriptedJob('crypto', { gate: slow.promise, answer: cryptoResult(START) }, { everyMs: 60_000 });
    const { board, schedule } = run([job], clock);
    await clock.advance(180_000);
    expect(job.calls).toBe(1);
    expect(schedule.inFlight()).toBe(1);
    expect(board.ready()).toBe(false);
    slow.open();
    await flushMicrotasks();
    // It ended three minutes late: the next one starts right away, not three times over.
    expect(job.calls).toBe(2);
    expect(board.ready()).toBe(true);
    await clock.advance(59_000);
    expect(job.calls).toBe(2);
    await clock.advance(1_000);
    expect(job.calls).toBe(3);
  });

  it('keeps the last answer through a failed refresh and serves it stale, with its age and the failure as the reason', async () => {
    const clock = new ManualClock(START);
    const job = scriptedJob('crypto', cryptoResult(START), { everyMs: 60_000 });
    job.push(failedResult('crypto', START + 60_000, 'HTTP 503 from GET api.coingecko.com/coins/markets'));
    const { board } = run([job], clock);
    await flushMicrotasks();
    await clock.advance(60_000);
    const state = board.find('crypto')!;
    expect(state.failure?.reason).toMatch(/^every source failed \(coingecko: HTTP 503/);
    await clock.advance(15_000);
    const document = servedDocument(state, clock.now())!;
    expect(document.results).toHaveLength(25);
    expect(document.sources.map((s) => [s.name, s.status, s.ageSeconds])).toEqual([
      ['coingecko', 'stale', 75],
      ['binance', 'stale', 75],
      ['coincap', 'skipped', null],
    ]);
    expect(document.sources[0]!.error).toBe('HTTP 503 from GET api.coingecko.com/coins/markets');
    expect(board.ready()).toBe(true);

    // The next good refresh clears the mark.
    job.push(cryptoResult(START + 120_000));
    await clock.advance(45_000);
    expect(servedDocument(state, clock.now())!.sources[0]).toMatchObject({ status: 'fresh', ageSeconds: 0, error: null });
  });

  it('counts a refresh that throws as failed, and is not ready until every job has served something', async () => {
    const clock = new ManualClock(START);
    const crypto = scriptedJob('crypto', new Error('state lock timed out'), { everyMs: 60_000 });
    const news = scriptedJob('news', newsResult(START, []), { query: 'bitcoin' });
    const { board } = run([crypto, news], clock);
    await flushMicrotasks();
    expect(board.find('crypto')!.failure?.reason).toBe('refresh failed: state lock timed out');
    expect(servedDocument(board.find('crypto')!, clock.now())).toBeUndefined();
    expect(board.ready()).toBe(false);
    crypto.push(cryptoResult(START + 60_000, 5, [source('binance', 'stale', START - 3600_000, { error: 'timed out' })]));
    await clock.advance(60_000);
    // Stale data from the cache is something to serve.
    expect(board.ready()).toBe(true);
  });

  it('stops at once on the signal: the wait ends, and a refresh that ends afterwards is not recorded', async () => {
    const clock = new ManualClock(START);
    const slow = gate();
    const job = scriptedJob('crypto', cryptoResult(START), { everyMs: 60_000 });
    job.push({ gate: slow.promise, answer: cryptoResult(START + 60_000) });
    const { board, stop, schedule } = run([job], clock);
    await clock.advance(60_000);
    expect(job.calls).toBe(2);
    const version = board.find('crypto')!.version;
    stop.abort();
    slow.open();
    await schedule.done;
    expect(board.find('crypto')!.version).toBe(version);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('finds news by query with spaces and case ignored, and the first query when none is given', async () => {
    const clock = new ManualClock(START);
    const first = scriptedJob('news', newsResult(START, []), { query: 'bitcoin' });
    const second = scriptedJob('news', newsResult(START, []), { query: 'Solana  ETF' });
    const { board } = run([first, second], clock);
    expect(board.find('news')?.job).toBe(first);
    expect(board.find('news', 'solana etf')?.job).toBe(second);
    expect(board.find('news', 'ethereum')).toBeUndefined();
    expect(board.enabled('market')).toBe(false);
  });
});

describe('the refresh schedule and the cache TTL', () => {
  it('counts the interval from the newest fetch, so an interval equal to the TTL never finds the entry just short of due', async () => {
    const clock = new ManualClock(START);
    // The first refresh's data arrives 700 ms after it started (a slow API).
    const slow = gate();
    const job = scriptedJob('crypto', { gate: slow.promise, answer: cryptoResult(START + 700) }, { everyMs: 60_000 });
    job.push(cryptoResult(START + 60_700));
    run([job], clock);
    await clock.advance(700);
    slow.open();
    await flushMicrotasks();
    await clock.advance(59_300);
    expect(job.calls).toBe(1);
    await clock.advance(700);
    expect(job.calls).toBe(2);
    // Data served from the cache (nothing fresh) counts from the refresh's start, as usual.
    await clock.advance(60_000);
    expect(job.calls).toBe(3);
    job.push(cryptoResult(START, 25, [source('coingecko', 'cached', START + 700)]));
    await clock.advance(60_000);
    expect(job.calls).toBe(4);
    await clock.advance(60_000);
    expect(job.calls).toBe(5);
  });
});

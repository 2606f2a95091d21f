import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPendingWork } from '../../src/output/pending-line.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** The pending-work line's frames, on a manual clock; its redraw timer on vitest's fake timers. */
function terminal(columns = 80) {
  const writes: string[] = [];
  return { stream: { isTTY: true, columns, write: (chunk: string) => writes.push(chunk) > 0 }, writes };
}

/** What the terminal shows after the writes: the text after the last carriage return. */
const shown = (writes: string[]): string => (writes.join('').split('\r').at(-1) ?? '').replace('\u001b[2K', '');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the pending-work line', () => {
  it('appears once the run has waited over a second, says why each source waits, and is erased when it ends', () => {
    const clock = new ManualClock();
    const { stream, writes } = terminal();
    const pending = createPendingWork(stream, { enabled: true, clock });
    const gecko = pending.begin('coingecko');
    const gdelt = pending.begin('gdelt');
    pending.fetching('coingecko');
    clock.set(clock.now() + 900);
    vi.advanceTimersByTime(250);
    expect(writes).toEqual([]);
    pending.retrying('coingecko', 2, 3, clock.now() + 4000);
    const until = new Date(2026, 10, 29, 10, 42, 7).getTime();
    pending.paced('gdelt', until);
    clock.set(clock.now() + 200);
    vi.advanceTimersByTime(250);
    expect(shown(writes)).toBe('waiting for coingecko retry 2/3 in 4s · gdelt paced until 10:42:07');
    gdelt();
    pending.sent('coingecko');
    clock.set(clock.now() + 1500);
    vi.advanceTimersByTime(250);
    expect(shown(writes)).toBe('waiting for coingecko 3s');
    gecko();
    expect(writes.at(-1)).toBe('\r\u001b[2K');
    pending.end();
    expect(writes.at(-1)).toBe('\r\u001b[2K');
    const count = writes.length;
    vi.advanceTimersByTime(2000);
    expect(writes).toHaveLength(count);
  });

  it('fits the terminal, and says the lock while a lookup waits for another run', () => {
    const clock = new ManualClock();
    const { stream, writes } = terminal(30);
    const pending = createPendingWork(stream, { enabled: true, clock });
    pending.begin('coingecko');
    pending.begin('binance');
    clock.set(clock.now() + 2000);
    vi.advanceTimersByTime(250);
    expect(shown(writes)).toBe('waiting for coingecko waitin…');
    expect([...shown(writes)]).toHaveLength(29);
  });

  it('draws nothing when disabled (a pipe, --quiet, TERM=dumb) or while a progress bar owns the line', () => {
    const clock = new ManualClock();
    const off = terminal();
    createPendingWork(off.stream, { enabled: false, clock }).begin('hn');
    const busy = terminal();
    createPendingWork(busy.stream, { enabled: true, clock, busy: () => true }).begin('hn');
    clock.set(clock.now() + 5000);
    vi.advanceTimersByTime(1000);
    expect(off.writes).toEqual([]);
    expect(busy.writes).toEqual([]);
  });
});

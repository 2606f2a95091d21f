import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ManualClock } from './manual-clock.js';

/**
 * Runs `work` to the end on a manual clock, jumping the clock to the next wake-up whenever the
 * code is asleep on it (limiter waits, retry backoffs, deadlines) and otherwise letting real I/O
 * (loopback HTTP, files) proceed. Time that the code sleeps passes instantly; nothing else moves it.
 * @throws when nothing settles within `stallMs` of real time.
 */
export async function driveClock<T>(clock: ManualClock, work: Promise<T>, stallMs = 20_000): Promise<T> {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  const giveUpAt = performance.now() + stallMs;
  while (!settled) {
    // A few turns, so code woken by the last jump reaches its next sleep (or its I/O) first.
    for (let i = 0; i < 3 && !settled; i++) await nextTurn();
    if (settled) break;
    if (clock.pendingSleeps > 0) clock.wakeNext();
    else await new Promise((resolve) => setTimeout(resolve, 1));
    if (performance.now() > giveUpAt) throw new Error(`driveClock: nothing settled within ${stallMs} ms`);
  }
  return tracked;
}

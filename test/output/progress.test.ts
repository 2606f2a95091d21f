import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/output/progress.js';
import { ManualClock } from '../helpers/manual-clock.js';

function stream(): { write(text: string): boolean; text: string } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

describe('progress on stderr', () => {
  it('shows done/total, rate and ETA once the work has lasted over a second, and clears its line', async () => {
    const clock = new ManualClock();
    const out = stream();
    const progress = createProgress(out, true, clock);
    progress.start('market scan', 100);
    progress.tick(5);
    expect(out.text).toBe(''); // quick work stays quiet
    await clock.advance(2000);
    progress.tick(20);
    expect(out.text).toContain('market scan 20/100 · 10.0/s · ETA 8s');
    progress.stop();
    expect(out.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('draws nothing when disabled (stderr not a TTY, or --quiet)', async () => {
    const clock = new ManualClock();
    const out = stream();
    const progress = createProgress(out, false, clock);
    progress.start('scan', 10);
    await clock.advance(5000);
    progress.tick(5);
    progress.stop();
    expect(out.text).toBe('');
  });

  it('after end (an interrupt) clears its line and never draws again, even if the work goes on', async () => {
    const clock = new ManualClock();
    const out = stream();
    const progress = createProgress(out, true, clock);
    progress.start('market quotes', 30);
    await clock.advance(1500);
    progress.tick(3);
    progress.end();
    expect(out.text.endsWith('\r\u001b[2K')).toBe(true);
    const cleared = out.text;
    await clock.advance(1000);
    progress.tick(6);
    progress.start('market quotes', 30);
    await clock.advance(2000);
    progress.tick(9);
    progress.stop();
    expect(out.text).toBe(cleared);
  });
});

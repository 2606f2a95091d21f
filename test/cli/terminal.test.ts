import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../src/cli/terminal.js';

const tty = { write: () => true, isTTY: true };
const pipe = { write: () => true, isTTY: false };

describe('colour follows the usual rules', () => {
  it('colours a terminal and not a pipe', () => {
    expect(chalkFor(tty, {}, true).level).toBeGreaterThan(0);
    expect(chalkFor(pipe, {}, true).level).toBe(0);
  });

  it('turns colour off for NO_COLOR, --no-color, FORCE_COLOR=0 and TERM=dumb', () => {
    expect(chalkFor(tty, { NO_COLOR: '1' }, true).level).toBe(0);
    expect(chalkFor(tty, {}, false).level).toBe(0);
    expect(chalkFor(tty, { FORCE_COLOR: '0' }, true).level).toBe(0);
    expect(chalkFor(tty, { FORCE_COLOR: 'false' }, true).level).toBe(0);
    expect(chalkFor(tty, { TERM: 'dumb' }, true).level).toBe(0);
  });

  it('forces colour into a pipe with FORCE_COLOR', () => {
    expect(chalkFor(pipe, { FORCE_COLOR: '1' }, true).level).toBe(1);
    expect(chalkFor(pipe, { FORCE_COLOR: '3' }, true).level).toBe(3);
  });
});

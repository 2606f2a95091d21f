import { describe, expect, it } from 'vitest';
import { MAX_QUOTED_CHARS, shortText } from '../../../src/sources/shared/text.js';

describe('shortText', () => {
  it('removes escape sequences and control characters and folds lines', () => {
    expect(shortText('bad \u001b[31mkey\u001b[0m\r\nsecond\tline\u0007')).toBe('bad key second line');
  });

  it(`cuts to ${MAX_QUOTED_CHARS} characters, or to maxChars, ending in an ellipsis`, () => {
    const long = 'x'.repeat(500);
    expect(shortText(long)).toHaveLength(MAX_QUOTED_CHARS);
    expect(shortText(long).endsWith('…')).toBe(true);
    expect(shortText('abcdefgh', { maxChars: 5 })).toBe('abcd…');
    expect(shortText('abcde', { maxChars: 5 })).toBe('abcde');
  });

  it('redacts secrets before cutting, so a key straddling the cut never shows in part', () => {
    const key = 'SECRET-KEY-0123456789';
    const text = `${'a'.repeat(150)} ${key} and more`;
    const out = shortText(text, { secrets: [key, undefined] });
    expect(out).not.toContain('SECRET-KEY');
    expect(shortText(`Your key ${key} is invalid`, { secrets: [key] })).toBe('Your key REDACTED is invalid');
  });
});

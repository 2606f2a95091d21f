import { describe, expect, it } from 'vitest';
import { csvCell, sanitizeText } from '../../src/output/sanitize.js';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('sanitizeText', () => {
  it('removes CSI colour and cursor sequences but keeps the words', () => {
    expect(sanitizeText('\u001b[31mBitcoin\u001b[0m \u001b[2Jrallies')).toBe('Bitcoin rallies');
  });

  it('removes OSC sequences: window titles and OSC 8 hyperlinks (BEL or ST terminated)', () => {
    expect(sanitizeText('a\u001b]0;pwned\u0007b')).toBe('ab');
    expect(sanitizeText('\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\ here')).toBe('click here');
  });

  it('removes 8-bit C1 controls, DCS strings and bidi overrides', () => {
    const out = sanitizeText('x\u009b31my \u0090payload\u009c z \u202eevil\u202c \u2066iso\u2069');
    expect(out).not.toMatch(CONTROL);
    expect(out).toContain('evil');
    expect(out).not.toContain('payload');
  });

  it('folds newlines and tabs into single spaces, and stringifies non-strings', () => {
    expect(sanitizeText('line one\r\n\tline two')).toBe('line one line two');
    expect(sanitizeText(42)).toBe('42');
    expect(sanitizeText(null)).toBe('');
  });

  it('leaves ordinary unicode alone', () => {
    expect(sanitizeText('café ₿ 日本 — “quotes”')).toBe('café ₿ 日本 — “quotes”');
  });
});

describe('csvCell', () => {
  it('neutralises cells that a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@']) expect(csvCell(`${start}1+1`).replace(/^"|"$/g, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  it('quotes commas and quotes, keeps numbers (negative ones too) as numbers', () => {
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell(-5.25)).toBe('-5.25');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('strips escape sequences from cells', () => {
    expect(csvCell('\u001b[31mred\u001b[0m')).toBe('red');
  });
});

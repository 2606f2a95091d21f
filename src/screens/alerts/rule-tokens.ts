import { RuleError } from './rule-error.js';

/** Comparison operators (README "Rules"). `~` is a case-insensitive substring match. */
export const RULE_OPERATORS = ['>=', '<=', '==', '!=', '>', '<', '~'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

export type RuleToken =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'op'; op: RuleOperator; position: number }
  | { kind: 'number'; value: number; text: string; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'paren'; open: boolean; position: number }
  | { kind: 'end'; position: number };

/** Size suffixes of a number, as `--min-volume` takes them: `5M` is 5,000,000. */
const SIZE_UNITS: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?([kmbt])?(?![A-Za-z0-9_.])/iy;

/**
 * Splits a rule into tokens, with 1-based positions for error messages. Strings take `"…"` or
 * `'…'` with `\` escaping the quote or a backslash; numbers may carry a size suffix (`5M`,
 * `2.5B`, `750K`, `1T`) and a sign.
 * @throws RuleError for a character no token starts with, an unterminated string, a bad number.
 */
export function tokenizeRule(text: string): RuleToken[] {
  const tokens: RuleToken[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    const position = at + 1;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    if (char === '(' || char === ')') {
      tokens.push({ kind: 'paren', open: char === '(', position });
      at++;
      continue;
    }
    const op = RULE_OPERATORS.find((candidate) => text.startsWith(candidate, at));
    if (op) {
      tokens.push({ kind: 'op', op, position });
      at += op.length;
      continue;
    }
    if (char === '"' || char === "'") {
      const [value, end] = readString(text, at);
      tokens.push({ kind: 'string', value, position });
      at = end;
      continue;
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      const unit = number[1]?.toLowerCase();
      const digits = unit ? number[0].slice(0, -1) : number[0];
      const value = Number(digits) * (unit ? SIZE_UNITS[unit]! : 1);
      if (!Number.isFinite(value)) throw new RuleError(`number ${number[0]} is out of range`, position);
      tokens.push({ kind: 'number', value, text: number[0], position });
      at += number[0].length;
      continue;
    }
    WORD.lastIndex = at;
    const word = WORD.exec(text);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], position });
      at += word[0].length;
      continue;
    }
    if (/[\d.-]/.test(char)) throw new RuleError('bad number (numbers look like 10, -2.5, 1e6 or 5M)', position);
    if (char === '=' || char === '!') throw new RuleError(`"${char}" is not an operator (use ==, != or one of > >= < <= ~)`, position);
    throw new RuleError(`unexpected ${describeChar(char)}`, position);
  }
  tokens.push({ kind: 'end', position: text.length + 1 });
  return tokens;
}

/** The string starting with the quote at `start`, and the index after its closing quote. */
function readString(text: string, start: number): [string, number] {
  const quote = text[start]!;
  let value = '';
  for (let at = start + 1; at < text.length; at++) {
    const char = text[at]!;
    if (char === '\\' && at + 1 < text.length) {
      value += text[++at]!;
      continue;
    }
    if (char === quote) return [value, at + 1];
    value += char;
  }
  throw new RuleError('unterminated string', start + 1);
}

function describeChar(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `"${char}"`;
}

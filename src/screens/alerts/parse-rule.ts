import { RuleError } from './rule-error.js';
import type { FieldType, FieldTypes } from './rule-fields.js';
import { type RuleOperator, type RuleToken, tokenizeRule } from './rule-tokens.js';

/** One comparison, `FIELD OP VALUE`. */
export interface RuleComparison {
  kind: 'compare';
  field: string;
  op: RuleOperator;
  value: number | string;
}

/** A parsed rule: comparisons joined by `and` (binding tighter) and `or`, grouped by parentheses. */
export type RuleNode = RuleComparison | { kind: 'and' | 'or'; left: RuleNode; right: RuleNode };

export interface AlertRule {
  /** The rule as written (trimmed): how reports and notifications name it. */
  text: string;
  node: RuleNode;
  /** The fields it names, in order of first use. */
  fields: string[];
  /** The field whose value an alert reports: the first number field it names, else its first field. */
  valueField: string;
}

/** Longest rule accepted, in characters. */
export const RULE_MAX_CHARS = 500;
/** Most comparisons in one rule. */
const MAX_COMPARISONS = 32;

/**
 * Parses an alert rule (README "Rules": `FIELD OP VALUE` joined by `and`/`or`; `and` binds tighter, and
 * parentheses group) and checks it against the command's fields: a number field takes a number
 * (or a size like `5M`), a text field a quoted string; `~` is for text fields only. No `eval`:
 * a recursive-descent parser over the tokens of `tokenizeRule`.
 * @throws RuleError naming what is wrong and its 1-based position.
 */
export function parseRule(text: string, fields: FieldTypes): AlertRule {
  const trimmed = text.trim();
  if (trimmed === '') throw new RuleError('empty rule', 1);
  if ([...trimmed].length > RULE_MAX_CHARS) throw new RuleError(`rule longer than ${RULE_MAX_CHARS} characters`, RULE_MAX_CHARS + 1);
  const offset = text.indexOf(trimmed);
  const parser = new Parser(tokenizeRule(trimmed), fields, offset);
  const node = parser.parse();
  const used = parser.used;
  return {
    text: trimmed,
    node,
    fields: used,
    valueField: used.find((name) => Object.hasOwn(fields, name) && fields[name] === 'number') ?? used[0]!,
  };
}

class Parser {
  readonly used: string[] = [];
  readonly #tokens: RuleToken[];
  readonly #fields: FieldTypes;
  /** Characters trimmed off the front, so positions point into the text as the user wrote it. */
  readonly #offset: number;
  #at = 0;
  #comparisons = 0;

  constructor(tokens: RuleToken[], fields: FieldTypes, offset: number) {
    this.#tokens = tokens;
    this.#fields = fields;
    this.#offset = offset;
  }

  parse(): RuleNode {
    const node = this.#or();
    const next = this.#peek();
    if (next.kind !== 'end') {
      throw this.#error(next.kind === 'paren' && !next.open ? 'unmatched ")"' : `expected "and" or "or", got ${describe(next)}`, next);
    }
    return node;
  }

  #or(): RuleNode {
    let node = this.#and();
    while (this.#keyword('or')) node = { kind: 'or', left: node, right: this.#and() };
    return node;
  }

  #and(): RuleNode {
    let node = this.#operand();
    while (this.#keyword('and')) node = { kind: 'and', left: node, right: this.#operand() };
    return node;
  }

  #operand(): RuleNode {
    const token = this.#next();
    if (token.kind === 'paren' && token.open) {
      const node = this.#or();
      const close = this.#next();
      if (close.kind !== 'paren' || close.open) throw this.#error(`expected ")", got ${describe(close)}`, close);
      return node;
    }
    if (token.kind !== 'word' || isKeyword(token.text)) throw this.#error(`expected a field name, got ${describe(token)}`, token);
    // Own names only: `constructor`, `toString` and `__proto__` are the object's, not fields.
    const type = Object.hasOwn(this.#fields, token.text) ? this.#fields[token.text] : undefined;
    if (type === undefined) {
      // The nearest of this command's fields, or (nothing close) the list of them to pick from.
      const names = Object.keys(this.#fields);
      const hint = closestField(token.text, names);
      throw this.#error(`unknown field "${token.text}" (${hint ? `did you mean ${hint}?` : `fields: ${names.join(', ')}`})`, token);
    }
    const op = this.#next();
    if (op.kind !== 'op') throw this.#error(`expected an operator (> >= < <= == != ~) after ${token.text}, got ${describe(op)}`, op);
    if (op.op === '~' && type !== 'text') throw this.#error(`~ matches text, and ${token.text} is a number`, op);
    const value = this.#next();
    const compared = valueFor(value, type);
    if (compared === undefined) {
      const wanted = type === 'number' ? 'a number (like 10, -2.5 or 5M)' : 'a quoted string';
      throw this.#error(`${token.text} is ${type === 'number' ? 'a number' : 'text'}: expected ${wanted}, got ${describe(value)}`, value);
    }
    if (++this.#comparisons > MAX_COMPARISONS) throw this.#error(`more than ${MAX_COMPARISONS} comparisons`, token);
    if (!this.used.includes(token.text)) this.used.push(token.text);
    return { kind: 'compare', field: token.text, op: op.op, value: compared };
  }

  #keyword(word: 'and' | 'or'): boolean {
    const token = this.#peek();
    if (token.kind !== 'word' || token.text.toLowerCase() !== word) return false;
    this.#at++;
    return true;
  }

  #peek(): RuleToken {
    return this.#tokens[this.#at]!;
  }

  #next(): RuleToken {
    const token = this.#tokens[this.#at]!;
    if (token.kind !== 'end') this.#at++;
    return token;
  }

  #error(reason: string, token: RuleToken): RuleError {
    return new RuleError(reason, token.position + this.#offset);
  }
}

function valueFor(token: RuleToken, type: FieldType): number | string | undefined {
  if (type === 'number') return token.kind === 'number' ? token.value : undefined;
  return token.kind === 'string' ? token.value : undefined;
}

function isKeyword(word: string): boolean {
  const lower = word.toLowerCase();
  return lower === 'and' || lower === 'or';
}

function describe(token: RuleToken): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the rule';
    case 'word':
      return `"${token.text}"`;
    case 'op':
      return `"${token.op}"`;
    case 'number':
      return token.text;
    case 'string':
      return 'a string';
    case 'paren':
      return token.open ? '"("' : '")"';
  }
}

/** The field a typo most likely meant: same name in another case, or one or two edits away. */
function closestField(word: string, names: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = names.find((name) => name.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

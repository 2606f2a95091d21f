import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../src/screens/alerts/evaluate-rule.js';
import { parseRule } from '../../../src/screens/alerts/parse-rule.js';
import { RuleError } from '../../../src/screens/alerts/rule-error.js';
import { fieldTypes } from '../../../src/screens/alerts/rule-fields.js';
import { CRYPTO_RULE_FIELDS } from '../../../src/screens/crypto/rule-fields.js';

const FIELDS = fieldTypes(CRYPTO_RULE_FIELDS);
const BTC = {
  symbol: 'BTC',
  name: 'Bitcoin',
  priceUsd: 79_500,
  change24hPct: 12.5,
  volume24hUsd: 6_000_000,
  rank: 1,
  sources: 'coingecko,binance',
};

function holds(rule: string, values: Record<string, number | string | null> = BTC): boolean | undefined {
  return evaluateRule(parseRule(rule, FIELDS), values);
}

function errorOf(rule: string): RuleError {
  try {
    parseRule(rule, FIELDS);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError);
    return error as RuleError;
  }
  return expect.fail(`"${rule}" parsed`);
}

describe('parseRule: the contract grammar', () => {
  it("parses the contract's examples and evaluates them on a row", () => {
    expect(holds('change24hPct > 10 and volume24hUsd > 5M')).toBe(true);
    expect(holds('symbol == "BTC" and priceUsd < 80000')).toBe(true);
    expect(holds('symbol == "BTC" and priceUsd < 70000')).toBe(false);
  });

  it('takes every operator, numbers with sizes and signs, and strings in either quote', () => {
    expect(holds('priceUsd >= 79500')).toBe(true);
    expect(holds('priceUsd <= 79499.99')).toBe(false);
    expect(holds('priceUsd != 1')).toBe(true);
    expect(holds('volume24hUsd == 6M')).toBe(true);
    expect(holds('volume24hUsd > 5.9m and volume24hUsd < 0.007B')).toBe(true);
    expect(holds('change24hPct > -5')).toBe(true);
    expect(holds('priceUsd < 1e5')).toBe(true);
    expect(holds("name ~ 'bit'")).toBe(true);
    expect(holds('name ~ "BITCOIN"')).toBe(true);
    expect(holds('sources ~ "binance"')).toBe(true);
    expect(holds('name == "Say \\"hi\\""', { name: 'Say "hi"' })).toBe(true);
  });

  it('binds and tighter than or, groups with parentheses, and reads keywords in any case', () => {
    // false and true or true = (false and true) or true
    expect(holds('rank > 5 and priceUsd > 0 or symbol == "BTC"')).toBe(true);
    expect(holds('rank > 5 and (priceUsd > 0 or symbol == "BTC")')).toBe(false);
    expect(holds('rank == 1 AND symbol == "BTC" Or rank == 2')).toBe(true);
  });

  it('knows which fields a rule uses, and reports the first number field as its value', () => {
    const rule = parseRule('  symbol == "BTC" and priceUsd < 80000 ', FIELDS);
    expect(rule.text).toBe('symbol == "BTC" and priceUsd < 80000');
    expect(rule.fields).toEqual(['symbol', 'priceUsd']);
    expect(rule.valueField).toBe('priceUsd');
    expect(parseRule('name ~ "coin"', FIELDS).valueField).toBe('name');
  });

  it('treats null as satisfying nothing, and a missing field as unknown', () => {
    expect(holds('change24hPct > 0', { change24hPct: null })).toBe(false);
    expect(holds('change24hPct != 3', { change24hPct: null })).toBe(false);
    expect(holds('change24hPct > 0', {})).toBeUndefined();
    expect(holds('rank == 1 or change24hPct > 0', { rank: 1 })).toBe(true);
    expect(holds('rank == 2 and change24hPct > 0', { rank: 1 })).toBe(false);
  });
});

describe('parseRule: errors name what is wrong and where', () => {
  it.each([
    ['chnage24hPct > 10', 'unknown field "chnage24hPct" (did you mean change24hPct?)', 1],
    ['change24hPct >> 10', 'change24hPct is a number: expected a number (like 10, -2.5 or 5M), got ">"', 15],
    ['change24hPct = 10', '"=" is not an operator (use ==, != or one of > >= < <= ~)', 14],
    ['change24hPct > 10 and', 'expected a field name, got the end of the rule', 22],
    ['change24hPct > 10 volume24hUsd > 1', 'expected "and" or "or", got "volume24hUsd"', 19],
    ['symbol == BTC', 'symbol is text: expected a quoted string, got "BTC"', 11],
    ['priceUsd > "80000"', 'priceUsd is a number: expected a number (like 10, -2.5 or 5M), got a string', 12],
    ['priceUsd ~ "8"', '~ matches text, and priceUsd is a number', 10],
    ['symbol == "BTC', 'unterminated string', 11],
    ['(rank > 1', 'expected ")", got the end of the rule', 10],
    ['rank > 1)', 'unmatched ")"', 9],
    ['rank > 5Q', 'bad number (numbers look like 10, -2.5, 1e6 or 5M)', 8],
    ['rank > 1 && rank < 3', 'unexpected "&"', 10],
    ['rank', 'expected an operator (> >= < <= == != ~) after rank, got the end of the rule', 5],
    ['   ', 'empty rule', 1],
  ])('%s', (rule, reason, position) => {
    const error = errorOf(rule);
    expect(error.reason).toBe(reason);
    expect(error.position).toBe(position);
    expect(error.code).toBe('QAHT_ERR_USAGE');
    expect(error.message).toBe(`${reason} at position ${position}`);
  });

  it('counts positions in the text as written, leading spaces included', () => {
    expect(errorOf('   chnage > 1').position).toBe(4);
  });

  it('refuses a rule longer than 500 characters or with more than 32 comparisons', () => {
    expect(errorOf('x'.repeat(10_000)).reason).toBe('rule longer than 500 characters');
    expect(errorOf(Array.from({ length: 33 }, () => 'rank > 1').join(' and ')).reason).toBe('more than 32 comparisons');
  });

  it('names a control character by its code, never printing it', () => {
    expect(errorOf('rank > 1 \u001b[31m').reason).toBe('unexpected control character U+001B');
  });
});

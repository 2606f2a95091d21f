import type { AlertRule, RuleComparison, RuleNode } from './parse-rule.js';
import type { FieldValue } from './rule-fields.js';

/**
 * Whether `rule` holds for a row's values: true or false, or undefined when a field it names is
 * missing from `values` (a row saved by a run whose rules did not use that field). A null value
 * satisfies no comparison. Text compares case-sensitively for `==`, `!=` and ordering (which is
 * alphabetical, so ISO dates order by time) and case-insensitively for `~`.
 */
export function evaluateRule(rule: AlertRule, values: Readonly<Record<string, FieldValue | undefined>>): boolean | undefined {
  return evaluate(rule.node, values);
}

function evaluate(node: RuleNode, values: Readonly<Record<string, FieldValue | undefined>>): boolean | undefined {
  if (node.kind === 'compare') return compare(node, values[node.field]);
  const left = evaluate(node.left, values);
  // Short-circuit the way a reader expects: `false and ?` is false, `true or ?` is true.
  if (node.kind === 'and' && left === false) return false;
  if (node.kind === 'or' && left === true) return true;
  const right = evaluate(node.right, values);
  if (left === undefined || right === undefined) {
    return node.kind === 'and' ? (right === false ? false : undefined) : right === true ? true : undefined;
  }
  return node.kind === 'and' ? left && right : left || right;
}

function compare(node: RuleComparison, actual: FieldValue | undefined): boolean | undefined {
  if (actual === undefined) return undefined;
  if (actual === null || typeof actual !== typeof node.value) return false;
  if (typeof actual === 'number' && Number.isNaN(actual)) return false;
  if (node.op === '~') return String(actual).toLowerCase().includes(String(node.value).toLowerCase());
  const expected = node.value;
  switch (node.op) {
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

import { describe, expect, it } from 'vitest';
import { type AlertStates, parseAlertStates, stepAlertStates } from '../../../src/screens/alerts/alert-states.js';
import { parseRule } from '../../../src/screens/alerts/parse-rule.js';

const RULE = parseRule('price < 100', { price: 'number', symbol: 'text' });
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 10, 29, 10);

function step(prices: Record<string, number>, prior: AlertStates, nowMs: number) {
  const items = Object.entries(prices).map(([id, price]) => ({ id, label: id.toUpperCase(), values: { price } }));
  return stepAlertStates(RULE, items, prior, nowMs, 30 * DAY_MS);
}

describe('stepAlertStates', () => {
  it('fires when the rule becomes true, not again while it stays true, and again after it was false', () => {
    let states: AlertStates = {};
    const seen: string[][] = [];
    for (const [i, price] of [120, 90, 80, 110, 95].entries()) {
      const result = step({ aaa: price }, states, T0 + i * 60_000);
      seen.push(result.fired.map((alert) => `${alert.id}@${alert.value}`));
      states = result.next;
    }
    expect(seen).toEqual([[], ['aaa@90'], [], [], ['aaa@95']]);
  });

  it('fires on the first sight of an item for which the rule already holds', () => {
    const { fired } = step({ aaa: 50 }, {}, T0);
    expect(fired).toEqual([
      { rule: 'price < 100', id: 'aaa', label: 'AAA', field: 'price', value: 50, firedAt: new Date(T0).toISOString() },
    ]);
  });

  it('keeps the state of an item that was not shown (unseen is not false), and forgets it after the keep time', () => {
    const first = step({ aaa: 50 }, {}, T0);
    const away = step({ bbb: 500 }, first.next, T0 + DAY_MS);
    expect(step({ aaa: 50 }, away.next, T0 + 2 * DAY_MS).fired).toEqual([]);
    expect(step({ aaa: 50 }, away.next, T0 + 31 * DAY_MS).fired.map((alert) => alert.id)).toEqual(['aaa']);
  });

  it('reads a saved document of the wrong shape as no memory', () => {
    expect(parseAlertStates({ aaa: { active: true, seenAt: T0 } })).toEqual({ aaa: { active: true, seenAt: T0 } });
    for (const bad of [null, [], 'x', { aaa: { active: 'yes', seenAt: T0 } }, { aaa: { active: true } }])
      expect(parseAlertStates(bad)).toEqual({});
  });
});

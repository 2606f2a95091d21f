import * as v from 'valibot';
import { evaluateRule } from './evaluate-rule.js';
import type { AlertRule } from './parse-rule.js';
import type { FieldValue } from './rule-fields.js';

/** What a rule last saw of one item: whether it held, and when the item was last seen (epoch ms). */
export interface AlertItemState {
  active: boolean;
  seenAt: number;
}

/** One rule's states, by item id. */
export type AlertStates = Record<string, AlertItemState>;

/** An item a rule is checked against: its id, the label people read, and the values of the rule's fields. */
export interface AlertItem {
  id: string;
  label: string;
  values: Readonly<Record<string, FieldValue>>;
}

/** An alert that fired in this run (JSON `alerts`: `rule, id, symbol|title, value, firedAt`). */
export interface FiredAlert {
  rule: string;
  id: string;
  label: string;
  /** The value of the rule's `valueField` in the item. */
  field: string;
  value: FieldValue;
  /** ISO time of the run that fired it. */
  firedAt: string;
  /** Set when an earlier run failed to deliver it and this run sends it again. */
  redelivered?: true;
}

/**
 * One step of a rule's memory: an item fires when the rule holds for it and did not the last
 * time the item was seen (or the item was never seen), and again only after it has been false.
 * Items not in `items` keep their state (unseen is not false); states not seen for `keepMs` are
 * forgotten, so the memory stays as small as the set of items the rule keeps meeting.
 */
export function stepAlertStates(
  rule: AlertRule,
  items: readonly AlertItem[],
  prior: Readonly<AlertStates>,
  nowMs: number,
  keepMs: number,
): { fired: FiredAlert[]; next: AlertStates } {
  const next: AlertStates = {};
  for (const [id, state] of Object.entries(prior)) if (nowMs - state.seenAt < keepMs) next[id] = state;
  const fired: FiredAlert[] = [];
  const firedAt = new Date(nowMs).toISOString();
  for (const item of items) {
    const holds = evaluateRule(rule, item.values) === true;
    if (holds && next[item.id]?.active !== true && !fired.some((alert) => alert.id === item.id)) {
      fired.push({
        rule: rule.text,
        id: item.id,
        label: item.label,
        field: rule.valueField,
        value: item.values[rule.valueField] ?? null,
        firedAt,
      });
    }
    next[item.id] = { active: holds, seenAt: nowMs };
  }
  return { fired, next };
}

const StatesSchema = v.record(v.string(), v.object({ active: v.boolean(), seenAt: v.pipe(v.number(), v.finite()) }));

/** A loaded document as alert states; anything of another shape is no memory at all. */
export function parseAlertStates(document: unknown): AlertStates {
  const parsed = v.safeParse(StatesSchema, document);
  return parsed.success ? parsed.output : {};
}

import * as v from 'valibot';
import { evaluateRule } from '../alerts/evaluate-rule.js';
import type { AlertRule } from '../alerts/parse-rule.js';
import type { FieldValue } from '../alerts/rule-fields.js';

/** A row as a run showed it, kept for the next run's comparison: small on purpose. */
export interface ShownRow {
  id: string;
  /** The symbol or title people read. */
  label: string;
  /** 1-based place in the shown rows. */
  position: number;
  /** The values of the fields the run's rules use. */
  fields: Record<string, FieldValue>;
}

/** What `--changes` keeps of a run. */
export interface RunSnapshot {
  /** Epoch ms of the run. */
  savedAt: number;
  rows: ShownRow[];
}

export type ChangeKind = 'new' | 'dropped' | 'moved' | 'threshold';

/** One change (README "Changes and alerts": `kind, id, symbol|title, from, to, detail`). */
export interface RowChange {
  kind: ChangeKind;
  id: string;
  label: string;
  /** new: null; dropped and moved: the old position; threshold: the field's old value. */
  from: FieldValue;
  /** dropped: null; new and moved: the new position; threshold: the field's new value. */
  to: FieldValue;
  detail: string;
}

/** A row whose position changed by this many places or more has `moved`. */
export const MOVE_MIN_POSITIONS = 5;

/**
 * The changes between the previous run's shown rows and this run's: rows that entered (`new`,
 * every row on a first run), left (`dropped`), moved by `MOVE_MIN_POSITIONS` or more (`moved`),
 * and rows present in both whose rule changed its verdict (`threshold`: a value crossed the rule,
 * either way). Ordered by this run's position, then dropped rows by their old one.
 */
export function compareRuns(previous: RunSnapshot | undefined, current: readonly ShownRow[], rules: readonly AlertRule[]): RowChange[] {
  const before = new Map((previous?.rows ?? []).map((row) => [row.id, row]));
  const now = new Set(current.map((row) => row.id));
  const changes: RowChange[] = [];
  for (const row of current) {
    const old = before.get(row.id);
    if (!old) {
      changes.push({ kind: 'new', id: row.id, label: row.label, from: null, to: row.position, detail: `entered at #${row.position}` });
      continue;
    }
    const shift = old.position - row.position;
    if (Math.abs(shift) >= MOVE_MIN_POSITIONS) {
      const way = shift > 0 ? `up ${shift}` : `down ${-shift}`;
      changes.push({
        kind: 'moved',
        id: row.id,
        label: row.label,
        from: old.position,
        to: row.position,
        detail: `#${old.position} → #${row.position} (${way})`,
      });
    }
    for (const rule of rules) {
      const was = evaluateRule(rule, old.fields);
      const is = evaluateRule(rule, row.fields);
      if (was === undefined || is === undefined || was === is) continue;
      const field = rule.valueField;
      changes.push({
        kind: 'threshold',
        id: row.id,
        label: row.label,
        from: old.fields[field] ?? null,
        to: row.fields[field] ?? null,
        detail: `${rule.text}: now ${is}`,
      });
    }
  }
  for (const old of previous?.rows ?? []) {
    if (!now.has(old.id)) {
      changes.push({ kind: 'dropped', id: old.id, label: old.label, from: old.position, to: null, detail: `left (was #${old.position})` });
    }
  }
  return changes;
}

const FieldValueSchema = v.union([v.pipe(v.number(), v.finite()), v.string(), v.null()]);
const SnapshotSchema = v.object({
  savedAt: v.pipe(v.number(), v.finite()),
  rows: v.array(
    v.object({
      id: v.string(),
      label: v.string(),
      position: v.pipe(v.number(), v.integer(), v.minValue(1)),
      fields: v.record(v.string(), FieldValueSchema),
    }),
  ),
});

/** A loaded document as a snapshot, or undefined for anything of another shape ("no previous run"). */
export function parseSnapshot(document: unknown): RunSnapshot | undefined {
  const parsed = v.safeParse(SnapshotSchema, document);
  return parsed.success ? parsed.output : undefined;
}

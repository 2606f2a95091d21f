import { createHash } from 'node:crypto';
import { type AlertStates, type FiredAlert, parseAlertStates, stepAlertStates } from '../../../screens/alerts/alert-states.js';
import type { AlertRule } from '../../../screens/alerts/parse-rule.js';
import { readFields, type RuleFields } from '../../../screens/alerts/rule-fields.js';
import { compareRuns, parseSnapshot, type RowChange, type RunSnapshot, type ShownRow } from '../../../screens/changes/compare-runs.js';
import type { RunMemory } from '../../../store/run-memory.js';

/** How a command names its rows across runs: a stable id, and the label JSON gives as `symbol` or `title`. */
export interface RowIdentity<Row> {
  labelKey: 'symbol' | 'title';
  id(row: Row): string;
  label(row: Row): string;
}

/** How long the run memory keeps a command line's shown rows and a rule's item states: 30 days. */
export const TRACKING_KEEP_MS = 30 * 24 * 3600_000;

/** What `--changes` found. */
export interface ChangeReport {
  /** ISO time of the previous run of the same command and arguments; null on the first. */
  previousRunAt: string | null;
  changes: RowChange[];
}

export interface TrackedRun {
  /** Set under `--changes`. */
  changes: ChangeReport | undefined;
  /** Alerts that fired in this run (empty without rules). */
  alerts: FiredAlert[];
  /** Saves what the next run compares with: this run's shown rows and the rules' states. */
  save(): Promise<void>;
}

/**
 * One rule's memory in a long-lived run (`--watch`): loaded once, stepped on each refresh, saved
 * after each, so an item fires once per false → true across refreshes and across runs alike.
 */
export class AlertTracker<Row> {
  readonly #rules: readonly AlertRule[];
  readonly #fields: RuleFields<Row>;
  readonly #identity: RowIdentity<Row>;
  readonly #memory: RunMemory;
  readonly #command: string;
  #states: Map<string, AlertStates> | undefined;

  constructor(options: {
    command: string;
    rules: readonly AlertRule[];
    fields: RuleFields<Row>;
    identity: RowIdentity<Row>;
    memory: RunMemory;
  }) {
    this.#command = options.command;
    this.#rules = options.rules;
    this.#fields = options.fields;
    this.#identity = options.identity;
    this.#memory = options.memory;
  }

  /** Checks every rule against the shown rows; resolves the alerts that fired. */
  async step(rows: readonly Row[], nowMs: number): Promise<FiredAlert[]> {
    const states = await this.#load();
    const fired: FiredAlert[] = [];
    for (const rule of this.#rules) {
      const items = rows.map((row) => ({
        id: this.#identity.id(row),
        label: this.#identity.label(row),
        values: readFields(row, this.#fields, rule.fields),
      }));
      const step = stepAlertStates(rule, items, states.get(rule.text) ?? {}, nowMs, TRACKING_KEEP_MS);
      states.set(rule.text, step.next);
      fired.push(...step.fired);
    }
    return fired;
  }

  /** Saves every rule's states. @throws the memory's error. */
  async save(): Promise<void> {
    if (!this.#states) return;
    for (const [rule, states] of this.#states) await this.#memory.save(alertKey(this.#command, rule), states, TRACKING_KEEP_MS);
  }

  async #load(): Promise<Map<string, AlertStates>> {
    if (this.#states) return this.#states;
    const states = new Map<string, AlertStates>();
    for (const rule of this.#rules)
      states.set(rule.text, parseAlertStates(await loadOrNothing(this.#memory, alertKey(this.#command, rule.text))));
    this.#states = states;
    return states;
  }
}

/**
 * The changes and alerts of one finished run, from the run memory: the previous run's shown rows
 * for the same command line (`memoryKey`) and each rule's item states. Nothing is saved until
 * `save`, which the command calls once the output is printed.
 */
export async function trackRun<Row>(input: {
  command: string;
  rows: readonly Row[];
  nowMs: number;
  changes: boolean;
  rules: readonly AlertRule[];
  memoryKey: string;
  fields: RuleFields<Row>;
  identity: RowIdentity<Row>;
  memory: RunMemory;
}): Promise<TrackedRun> {
  const { rules, memory, identity } = input;
  const ruleFields = [...new Set(rules.flatMap((rule) => rule.fields))];
  const shown: ShownRow[] = input.rows.map((row, index) => ({
    id: identity.id(row),
    label: identity.label(row),
    position: index + 1,
    fields: readFields(row, input.fields, ruleFields),
  }));
  const tracker = new AlertTracker({ command: input.command, rules, fields: input.fields, identity, memory });
  const alerts = rules.length > 0 ? await tracker.step(input.rows, input.nowMs) : [];
  let changes: ChangeReport | undefined;
  if (input.changes) {
    const previous = parseSnapshot(await loadOrNothing(memory, input.memoryKey));
    changes = {
      previousRunAt: previous ? new Date(previous.savedAt).toISOString() : null,
      changes: compareRuns(previous, shown, rules),
    };
  }
  return {
    changes,
    alerts,
    async save() {
      if (input.changes) {
        const snapshot: RunSnapshot = { savedAt: input.nowMs, rows: shown };
        await memory.save(input.memoryKey, snapshot, TRACKING_KEEP_MS);
      }
      await tracker.save();
    },
  };
}

/** A rule's states are kept per command and rule text, whatever the other arguments. */
function alertKey(command: string, rule: string): string {
  return `alerts:${command}:${createHash('sha256').update(rule).digest('hex').slice(0, 32)}`;
}

/** A memory that cannot be read (a backend down) is no memory: the run goes on as a first run. */
async function loadOrNothing(memory: RunMemory, key: string): Promise<unknown> {
  try {
    return await memory.load(key);
  } catch {
    return undefined;
  }
}

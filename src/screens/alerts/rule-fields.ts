/**
 * The fields an alert rule may name: a command's result fields, each with its type and how to
 * read it from a row. Each command lists its own (e.g. `screens/crypto/rule-fields.ts`); the
 * parser checks a rule against the names and types, the evaluator reads the values.
 */

/** `number` fields compare as numbers; `text` fields as strings (`~` is a case-insensitive substring). */
export type FieldType = 'number' | 'text';

/** A field's value in one row; null when the row has none (it then satisfies no comparison). */
export type FieldValue = number | string | null;

export interface RuleField<Row> {
  type: FieldType;
  get(row: Row): FieldValue;
}

/** A command's rule fields, by the name rules use (the JSON result field's name). */
export type RuleFields<Row> = Readonly<Record<string, RuleField<Row>>>;

/** Only the names and types: what a rule is checked against when it is parsed. */
export type FieldTypes = Readonly<Record<string, FieldType>>;

/** The names and types of `fields`. */
export function fieldTypes<Row>(fields: RuleFields<Row>): FieldTypes {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.type]));
}

/** The values of the named fields in `row` (names that are not fields are left out). */
export function readFields<Row>(row: Row, fields: RuleFields<Row>, names: Iterable<string>): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const name of names) {
    // Own names only: an inherited property (`constructor`, `toString`) is no field.
    if (!Object.hasOwn(fields, name)) continue;
    const field = fields[name];
    if (field) values[name] = field.get(row);
  }
  return values;
}

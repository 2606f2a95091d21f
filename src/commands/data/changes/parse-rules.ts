import { usageError } from '../../../options/parse-values.js';
import { type AlertRule, parseRule } from '../../../screens/alerts/parse-rule.js';
import { RuleError } from '../../../screens/alerts/rule-error.js';
import { fieldTypes, type RuleFields } from '../../../screens/alerts/rule-fields.js';

/** A rule's text and how an error in it is introduced (`--alert "…"`, or its config file line). */
export interface RuleText {
  text: string;
  where: string;
}

/**
 * Parses a run's alert rules against the command's fields.
 * @throws QahtError QAHT_ERR_USAGE, one line: where the rule came from, what is wrong and its position.
 */
export function parseRules(texts: readonly RuleText[], fields: RuleFields<never>): AlertRule[] {
  const types = fieldTypes(fields);
  return texts.map(({ text, where }) => {
    try {
      return parseRule(text, types);
    } catch (error) {
      if (error instanceof RuleError) throw usageError(`${where}: ${error.message}`);
      throw error;
    }
  });
}

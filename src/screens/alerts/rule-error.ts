import { QahtError } from '../../errors.js';

/**
 * A rule that does not parse, or names a field or compares in a way the command cannot: a usage
 * error (exit 2) whose message ends with where, as a 1-based character position in the rule.
 */
export class RuleError extends QahtError {
  override name = 'RuleError';
  /** 1-based position of the offending character in the rule text. */
  readonly position: number;
  /** What is wrong, without the position (`unknown field "x"`). */
  readonly reason: string;

  constructor(reason: string, position: number) {
    super('QAHT_ERR_USAGE', `${reason} at position ${position}`);
    this.reason = reason;
    this.position = position;
  }
}

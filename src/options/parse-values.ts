import { QahtError } from '../errors.js';
import { sanitizeText } from '../output/sanitize.js';
import { isSourceName, type SourceName } from '../sources/source-names.js';
import type { OptionRecord, ValueParser } from './option-record.js';

/**
 * Parsers for option values, as the parts of an option record they fill in (`type`, `range` or
 * `choices`, and `parse`), so a record states its range once and help, parsing and the fuzz test
 * all read it. Every parser throws a one-line QAHT_ERR_USAGE that names the flag (or environment
 * variable) and quotes at most `QUOTE_MAX_CHARS` characters of the value.
 */

/** Most characters of a bad value quoted back: enough to recognise it, never a screenful. */
const QUOTE_MAX_CHARS = 60;
/** ...of which the start keeps this many; the end (a file name, a unit) keeps the rest. */
const QUOTE_HEAD_CHARS = 20;

/** The error for anything the user can fix on the command line or in the environment (exit 2). */
export function usageError(message: string): QahtError {
  return new QahtError('QAHT_ERR_USAGE', message);
}

/** `"value"` cleaned of control characters; past QUOTE_MAX_CHARS its start and end, with its full length noted. */
export function quoteValue(raw: string): string {
  const chars = [...sanitizeText(raw)];
  if (chars.length <= QUOTE_MAX_CHARS) return `"${chars.join('')}"`;
  const tail = QUOTE_MAX_CHARS - QUOTE_HEAD_CHARS - 1;
  return `"${chars.slice(0, QUOTE_HEAD_CHARS).join('')}…${chars.slice(-tail).join('')}" (${[...raw].length} characters)`;
}

type Parsed<Value> = Pick<OptionRecord<string, Value>, 'type' | 'range' | 'choices'> & { parse: ValueParser<Value> };

/** A whole number within `min`–`max`; `1e3`, `-1`, `1.5` and `NaN` are refused. */
export function integer(min: number, max: number): Parsed<number> & { type: 'integer' } {
  return {
    type: 'integer',
    range: { min, max },
    parse: (raw, label) => {
      const kind = min >= 1 ? 'a positive whole number' : 'a whole number';
      if (!/^\d+$/.test(raw.trim())) throw usageError(`${label} expects ${kind}, got ${quoteValue(raw)}`);
      const value = Number(raw.trim());
      if (value < min || value > max) throw usageError(`${label} must be between ${min} and ${max}, got ${quoteValue(raw)}`);
      return value;
    },
  };
}

const AMOUNT_UNITS = { '': 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 } as const;

/** An amount in USD up to `max`: 1000000, 1e6, 1_000_000, 1.5M, 2B, 500K (case-insensitive). */
export function amount(max: number): Parsed<number> & { type: 'amount' } {
  return {
    type: 'amount',
    range: { min: 0, max },
    parse: (raw, label) => {
      const match = /^\s*([0-9][0-9_]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kmbt]?)\s*$/i.exec(raw);
      if (!match) throw usageError(`${label} expects an amount like 1000000, 1.5M or 2B, got ${quoteValue(raw)}`);
      const value = Number(match[1]!.replace(/_/g, '')) * AMOUNT_UNITS[match[2]!.toLowerCase() as keyof typeof AMOUNT_UNITS];
      // 1e999 is Infinity to Number(): a typo, not a gate.
      if (!Number.isFinite(value) || value > max)
        throw usageError(`${label} must be at most ${max.toExponential()}, got ${quoteValue(raw)}`);
      return value;
    },
  };
}

/** One of `choices`, case-insensitive. */
export function choice<const Choice extends string>(choices: readonly Choice[]): Parsed<Choice> & { type: 'choice' } {
  return {
    type: 'choice',
    choices,
    parse: (raw, label) => {
      const value = raw.trim().toLowerCase();
      const found = choices.find((candidate) => candidate === value);
      if (found === undefined) throw usageError(`${label} must be one of ${choices.join(', ')}, got ${quoteValue(raw)}`);
      return found;
    },
  };
}

/** Comma-separated source names, each one of `allowed` (the command's sources); duplicates dropped. */
export function sourceList(allowed: readonly SourceName[], command: string): Parsed<SourceName[]> & { type: 'list' } {
  return {
    type: 'list',
    choices: allowed,
    parse: (raw, label) => {
      const names = raw
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean);
      if (names.length === 0) throw usageError(`${label} expects a comma-separated list of source names`);
      const picked: SourceName[] = [];
      for (const name of names) {
        if (!isSourceName(name) || !allowed.includes(name)) {
          throw usageError(`unknown source ${quoteValue(name)} for ${command}; choose from ${allowed.join(', ')}`);
        }
        if (!picked.includes(name)) picked.push(name);
      }
      return picked;
    },
  };
}

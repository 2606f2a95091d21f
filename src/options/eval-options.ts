/**
 * The options of `screen eval` (README "`screen eval`"): which horizon, on which evidence, since
 * when, and JSON.
 */
import { defineOption, switchOption } from './option-record.js';
import { choice, quoteValue, usageError } from './parse-values.js';

/** The forward horizons `screen eval` scores, as typed; the number is the days. */
export const EVAL_HORIZONS = ['1d', '3d', '7d', '30d'] as const;

/** `journal`: the point-in-time record each run keeps; `backfill`: signals recomputed from stored candles (survivorship-biased). */
export const EVAL_BASES = ['journal', 'backfill'] as const;

export const EVAL_OPTIONS = [
  defineOption({
    key: 'horizon',
    flags: '--horizon <days>',
    description: 'forward return horizon each signal is scored over',
    default: '7d',
    ...choice(EVAL_HORIZONS),
  }),
  defineOption({
    key: 'basis',
    flags: '--basis <basis>',
    description:
      'journal: the point-in-time record of past runs; backfill: signals recomputed from stored candles (only coins alive today)',
    default: 'journal',
    ...choice(EVAL_BASES),
  }),
  defineOption({
    key: 'since',
    flags: '--since <date>',
    description: 'only signal days from this UTC date on (YYYY-MM-DD)',
    defaultLabel: 'all days',
    type: 'text',
    parse: parseDate,
  }),
  switchOption('json', '--json', 'JSON on stdout'),
] as const;

/** A real calendar date `YYYY-MM-DD` (2026-02-30 is refused). */
function parseDate(raw: string, label: string): string {
  const text = raw.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00.000Z`) : Number.NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw usageError(`${label} expects a date like 2026-11-01, got ${quoteValue(raw)}`);
  }
  return text;
}

import { QahtError } from '../errors.js';
import { isSourceName, type SourceName } from '../sources/source-names.js';

/** Parsers for flag values; each throws a one-line QAHT_ERR_USAGE naming the flag and the value. */

/** The error for anything the user can fix on the command line or in the environment (exit 2). */
export function usageError(message: string): QahtError {
  return new QahtError('QAHT_ERR_USAGE', message);
}

/** A flag's value as commander left it: the string given, or undefined for an absent (or boolean) flag. */
export function optionString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function parsePositiveInt(flag: string, raw: string, max = 1_000_000): number {
  if (!/^\d+$/.test(raw.trim())) throw usageError(`${flag} expects a positive whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < 1 || value > max) throw usageError(`${flag} must be between 1 and ${max}, got ${raw}`);
  return value;
}

export function parseNonNegativeInt(flag: string, raw: string, max = 1_000_000): number {
  if (!/^\d+$/.test(raw.trim())) throw usageError(`${flag} expects a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value > max) throw usageError(`${flag} must be at most ${max}, got ${raw}`);
  return value;
}

/** Accepts 1000000, 1e6, 1_000_000, 1.5M, 2B, 500K (case-insensitive). */
export function parseAmount(flag: string, raw: string): number {
  const match = /^\s*([0-9][0-9_]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kmbt]?)\s*$/i.exec(raw);
  if (!match) throw usageError(`${flag} expects an amount like 1000000, 1.5M or 2B, got "${raw}"`);
  const base = Number(match[1]!.replace(/_/g, ''));
  const unit = { '': 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'b' | 't'];
  return base * unit;
}

export function parseSourceList(raw: string, allowed: readonly SourceName[], command: string): SourceName[] {
  const names = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw usageError('--sources expects a comma-separated list of source names');
  for (const name of names) {
    if (!isSourceName(name) || !allowed.includes(name)) {
      throw usageError(`unknown source "${name}" for ${command}; choose from ${allowed.join(', ')}`);
    }
  }
  return [...new Set(names)] as SourceName[];
}

export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  const value = raw.trim().toLowerCase();
  if (!(choices as readonly string[]).includes(value)) {
    throw usageError(`${flag} must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return value as T;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

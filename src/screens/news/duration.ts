import { QahtError } from '../../errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};
/** The longest window accepted: a year (GDELT searches about 3 months, NewsAPI's free plan one). */
export const MAX_DURATION_MS = 365 * 86_400_000;

/**
 * Parses a `--since` duration: a positive whole number and a unit, `s` (seconds), `m`/`min`
 * (minutes), `h` (hours), `d` (days) or `w` (weeks), e.g. "90m", "24h", "2d", "1w", "10s";
 * case-insensitive. Returns ms.
 * @throws QahtError QAHT_ERR_USAGE with a one-line message on anything else, or above a year.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|min|h|d|w)$/i.exec(text.trim());
  const value = match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]! : Number.NaN;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_DURATION_MS) {
    throw new QahtError(
      'QAHT_ERR_USAGE',
      `invalid --since ${JSON.stringify(text)}: use a positive whole number with s, m, h, d or w (e.g. 90m, 24h, 2d, 1w), at most 365d`,
    );
  }
  return value;
}

/** 86_400_000 → "24h", 172_800_000 → "2d", 5_400_000 → "90m", 604_800_000 → "1w" (for notes). */
export function formatDuration(ms: number): string {
  const week = UNIT_MS.w!;
  const day = UNIT_MS.d!;
  const hour = UNIT_MS.h!;
  if (ms % week === 0) return `${ms / week}w`;
  if (ms % day === 0 && ms > day) return `${ms / day}d`;
  if (ms % hour === 0) return `${ms / hour}h`;
  if (ms % UNIT_MS.m! === 0) return `${ms / UNIT_MS.m!}m`;
  return `${Math.round(ms / 1000)}s`;
}

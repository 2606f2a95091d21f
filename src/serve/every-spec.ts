import { quoteValue, usageError } from '../options/parse-values.js';
import { parseDuration } from '../screens/news/duration.js';
import { SERVE_SCREENS, type ServeScreen } from './screen-job.js';

/** Each screen's refresh interval in ms, or `off` for a screen left out. */
export type EverySpec = Readonly<Record<ServeScreen, number | 'off'>>;

/** `--every` when not given (README "`screen serve`"). */
export const DEFAULT_EVERY: EverySpec = { crypto: 60_000, news: 5 * 60_000, market: 15 * 60_000 };
/** Shortest interval accepted: every refresh calls each API of its screen once or more. */
export const MIN_EVERY_MS = 10_000;
/** Longest interval accepted: a day. */
export const MAX_EVERY_MS = 86_400_000;

/** `crypto=60s,news=5m,market=15m`: the spec as help and the README show it. */
export function formatEvery(spec: EverySpec): string {
  return SERVE_SCREENS.map((screen) => `${screen}=${spec[screen] === 'off' ? 'off' : formatInterval(spec[screen] as number)}`).join(',');
}

/** 60 000 → `60s`, 300 000 → `5m`, 7 200 000 → `2h`: seconds below two minutes, as people write intervals. */
function formatInterval(ms: number): string {
  if (ms < 120_000 || ms % 60_000 !== 0) return `${Math.round(ms / 1000)}s`;
  if (ms % 3_600_000 === 0 && ms >= 7_200_000) return `${ms / 3_600_000}h`;
  return `${ms / 60_000}m`;
}

/**
 * Parses `--every`: comma-separated `SCREEN=INTERVAL` entries (`crypto=30s,news=10m`), each
 * interval a whole number with `s`, `m`, `h` or `d`, between 10 s and a day, or `off` to leave
 * the screen out. Screens not named keep their default interval.
 * @throws QahtError QAHT_ERR_USAGE, one line naming `label`, for anything else.
 */
export function parseEvery(raw: string, label: string): EverySpec {
  const spec: Record<ServeScreen, number | 'off'> = { ...DEFAULT_EVERY };
  const seen = new Set<string>();
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw usageError(`${label} expects SCREEN=INTERVAL entries like crypto=60s,news=5m`);
  for (const entry of entries) {
    const match = /^([a-z]+)\s*=\s*(\S+)$/i.exec(entry);
    if (!match) throw usageError(`${label} expects SCREEN=INTERVAL entries like crypto=60s,news=5m, got ${quoteValue(entry)}`);
    const screen = match[1]!.toLowerCase();
    if (!isServeScreen(screen))
      throw usageError(`${label}: unknown screen ${quoteValue(match[1]!)}; choose from ${SERVE_SCREENS.join(', ')}`);
    if (seen.has(screen)) throw usageError(`${label} names ${screen} twice`);
    seen.add(screen);
    spec[screen] = parseInterval(match[2]!, `${label} ${screen}`);
  }
  return spec;
}

function parseInterval(raw: string, label: string): number | 'off' {
  if (raw.toLowerCase() === 'off') return 'off';
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch {
    throw usageError(`${label} expects an interval like 30s, 5m or 1h, or off, got ${quoteValue(raw)}`);
  }
  if (ms < MIN_EVERY_MS || ms > MAX_EVERY_MS) throw usageError(`${label} must be between 10s and 1d, got ${quoteValue(raw)}`);
  return ms;
}

function isServeScreen(value: string): value is ServeScreen {
  return (SERVE_SCREENS as readonly string[]).includes(value);
}

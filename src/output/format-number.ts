/** Number formats for table cells. Machine output (JSON/CSV) never uses these. */

/** Thousands units, largest first: shared by every compact amount (table cells, thresholds). */
export const COMPACT_UNITS = [
  { value: 1e12, suffix: 'T' },
  { value: 1e9, suffix: 'B' },
  { value: 1e6, suffix: 'M' },
  { value: 1e3, suffix: 'K' },
] as const;

/** 1234567 → "1.23M"; null → "–". */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  for (const { value: unit, suffix } of COMPACT_UNITS) {
    if (abs >= unit) return `${(value / unit).toFixed(abs / unit >= 100 ? 0 : 2)}${suffix}`;
  }
  return value.toFixed(abs >= 100 ? 0 : 2);
}

/**
 * A price whose precision scales with its size, for coins from whole dollars down to sub-cent:
 * grouped whole units from 1,000 (67500 → "67,500"), cents from 1 (3.14159 → "3.14"), four
 * significant digits below (0.00001234 → "0.00001234"). Stock quotes use the market screen's
 * `formatCentsPrice` (always cents).
 */
export function formatScaledPrice(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1000) return groupThousands(value.toFixed(0));
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(4).replace(/0+$/, '').replace(/\.$/, '');
}

/** 2.345 → "+2.35%"; null → "–". */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value > 0 ? '+' : ''}${value.toFixed(digits)}%`;
}

/** Seconds → "45s", "12m", "3h", "2d". */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** Milliseconds → "850ms" / "1.2s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/**
 * "1234567.50" → "1,234,567.50". By hand on purpose: the first `toLocaleString` call initialises
 * ICU, about 10 ms of every run's start-up.
 */
export function groupThousands(fixed: string): string {
  const [whole = '', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** 512 → "512 B", 20480 → "20.0 KiB", 3145728 → "3.0 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

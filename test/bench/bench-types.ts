/** One line of the results table. Every figure is compared with a baseline measured in the same run. */
export interface BenchRow {
  /** Short label, e.g. `1a warm-cache run: wall time`. */
  benchmark: string;
  /** The measured figure, with units. */
  measured: string;
  /** The baseline it is compared with, with units. */
  baseline: string;
  /** measured ÷ baseline (null when it makes no sense). */
  ratio: number | null;
  /** The project's aim, in ratio terms (`≤ 3`, `≥ 0.9`), or `info` when the issue sets none. */
  target: string;
  /** true = meets the target, false = short of it, null = no target. */
  pass: boolean | null;
  /** Raw numbers for `--json`. */
  values?: Record<string, number | string | boolean | null>;
}

/** What one benchmark file returns. */
export interface BenchResult {
  id: string;
  title: string;
  rows: BenchRow[];
  /** Method and caveats, printed under the table. */
  notes: string[];
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
}

export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A target check: `at most` (ratio ≤ limit) or `at least` (ratio ≥ limit). */
export function check(ratio: number, kind: 'max' | 'min', limit: number): { target: string; pass: boolean } {
  return kind === 'max' ? { target: `≤ ${limit}`, pass: ratio <= limit } : { target: `≥ ${limit}`, pass: ratio >= limit };
}

/** Writes a progress line to stderr (stdout carries only the table or the JSON). */
export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

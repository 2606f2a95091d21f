const BARS = '▁▂▃▄▅▆▇█';

/** Points kept in JSON `sparkline7d` (one per 7 hours over a week). */
export const SPARKLINE_JSON_POINTS = 24;
/** Characters in the table's sparkline cell. */
export const SPARKLINE_CELL_CHARS = 12;

/**
 * Reduces a series to `points` bucket means (oldest first), each rounded to 6 significant digits
 * to keep JSON small. A series already that short is only rounded.
 */
export function downsample(series: readonly number[], points: number): number[] {
  const round = (value: number): number => Number(value.toPrecision(6));
  if (series.length <= points) return series.map(round);
  const result: number[] = [];
  for (let bucket = 0; bucket < points; bucket += 1) {
    const start = Math.floor((bucket * series.length) / points);
    const end = Math.floor(((bucket + 1) * series.length) / points);
    let sum = 0;
    for (let i = start; i < end; i += 1) sum += series[i]!;
    result.push(round(sum / (end - start)));
  }
  return result;
}

/** A series as block characters (▁ lowest … █ highest), `width` wide; empty for no data. */
export function renderSparkline(series: readonly number[] | null, width = SPARKLINE_CELL_CHARS): string {
  if (!series || series.length === 0) return '';
  const points = downsample(series, width);
  const min = Math.min(...points);
  const max = Math.max(...points);
  if (max === min) return BARS[3]!.repeat(points.length);
  return points.map((p) => BARS[Math.min(BARS.length - 1, Math.floor(((p - min) / (max - min)) * BARS.length))]!).join('');
}

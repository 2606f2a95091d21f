import { escapeHtml } from './html.js';

/** Size of a sparkline in CSS pixels. */
export const SPARKLINE_SIZE = { width: 96, height: 24 } as const;

/**
 * A series (oldest first) as an inline SVG polyline, scaled to fill the box; rising series get
 * the `up` class, falling ones `down`. Non-finite points are skipped; fewer than two points draw
 * an empty box, so every row keeps its width. The SVG carries its own accessible label.
 */
export function sparklineSvg(series: readonly unknown[] | null | undefined, label: string): string {
  const { width, height } = SPARKLINE_SIZE;
  const points = (series ?? []).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  const open = `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(label)}">`;
  if (points.length < 2) return `${open}</svg>`;
  const min = Math.min(...points);
  const max = Math.max(...points);
  const span = max - min || 1;
  // One pixel of margin so the line's stroke is not clipped at the extremes.
  const coords = points.map((value, index) => {
    const x = (index / (points.length - 1)) * width;
    const y = height - 1 - ((value - min) / span) * (height - 2);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const trend = points[points.length - 1]! >= points[0]! ? 'up' : 'down';
  return `${open}<polyline class="${trend}" vector-effect="non-scaling-stroke" points="${coords.join(' ')}"/></svg>`;
}

/** Cuts `text` to `limit` characters (code points, so no surrogate is split), ending in "…"; no limit, no cut. */
export function truncate(text: string, limit: number | undefined): string {
  const chars = [...text];
  if (limit === undefined || chars.length <= limit) return text;
  return `${chars.slice(0, Math.max(1, limit - 1)).join('')}…`;
}

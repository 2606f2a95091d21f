import { sanitizeText } from '../../output/sanitize.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML, in element content and in quoted attributes alike: control characters and bidi
 * overrides removed (as for a terminal), then `& < > " '` escaped. Every string that reaches the
 * page goes through here, whoever wrote it.
 */
export function escapeHtml(value: unknown): string {
  return sanitizeText(value).replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/**
 * A third party's link as an `href` value, escaped: only `http:` and `https:` URLs, so a
 * `javascript:` or `data:` URL in a feed never becomes a link. Undefined for anything else.
 */
export function safeHref(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? escapeHtml(url.href) : undefined;
}

/** A number for a `data-v` sort attribute: finite numbers as they are, anything else empty. */
export function sortValue(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

import { sanitizeText } from '../../output/sanitize.js';

/**
 * Printable ASCII words separated by single spaces: text `sanitizeText` returns unchanged (no
 * controls, escapes, tabs, runs of spaces or edge spaces), so the common case skips its regexes.
 */
const PLAIN_TEXT = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

function clean(text: string): string {
  return PLAIN_TEXT.test(text) ? text : sanitizeText(text);
}

/** A ticker as compared across sources: cleaned of control characters, upper-cased, trimmed. */
export function symbolKey(symbol: string): string {
  return clean(symbol).toUpperCase();
}

/** A coin name as compared across sources: cleaned, lower-cased, letters and digits only. */
export function nameKey(name: string): string {
  return clean(name)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

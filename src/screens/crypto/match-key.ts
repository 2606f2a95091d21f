import { sanitizeText } from '../../output/sanitize.js';

/** A ticker as compared across sources: cleaned of control characters, upper-cased, trimmed. */
export function symbolKey(symbol: string): string {
  return sanitizeText(symbol).toUpperCase();
}

/** A coin name as compared across sources: cleaned, lower-cased, letters and digits only. */
export function nameKey(name: string): string {
  return sanitizeText(name)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

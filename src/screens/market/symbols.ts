import { QahtError } from '../../errors.js';
import { sanitizeText } from '../../output/sanitize.js';

/** What a ticker may look like: letters, digits, `.`, `-`, `^` (indices), 1–12 characters. */
export const SYMBOL_PATTERN = /^[A-Z0-9.\-^]{1,12}$/i;

/**
 * Splits a symbols file: one symbol per line or comma/space separated; `#` starts a comment
 * that runs to the end of the line. Returns the raw tokens (validate with `normaliseSymbols`).
 */
export function parseSymbolList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, ''))
    .flatMap((line) => line.split(/[,\s]+/))
    .map((token) => token.trim())
    .filter((token) => token !== '');
}

/**
 * Upper-cases, validates and de-duplicates symbols, keeping first-seen order.
 * @throws QahtError QAHT_ERR_USAGE naming the first invalid symbol.
 */
export function normaliseSymbols(symbols: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const raw of symbols) {
    const symbol = raw.trim().toUpperCase();
    if (!SYMBOL_PATTERN.test(symbol)) {
      throw new QahtError(
        'QAHT_ERR_USAGE',
        `invalid symbol ${JSON.stringify(sanitizeText(raw).slice(0, 40))}: use 1-12 letters, digits, ".", "-" or "^"`,
      );
    }
    seen.add(symbol);
  }
  return [...seen];
}

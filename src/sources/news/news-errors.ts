import { QahtError } from '../../errors.js';
import { sanitizeText } from '../../output/sanitize.js';

const MAX_REASON_CHARS = 120;

/**
 * `<source> returned unexpected data: <reason>`; the reason is sanitised and cut short because it
 * may quote the body (an HTML error page, a GDELT error sentence) and ends up on a status line.
 */
export function unexpectedData(source: string, reason: string, options: { cause?: unknown; url?: string } = {}): QahtError {
  return new QahtError('QAHT_ERR_INVALID_DATA', `${source} returned unexpected data: ${shortText(reason)}`, options);
}

/** Sanitised first `maxChars` characters of a third-party text, for messages. */
export function shortText(text: string, maxChars = MAX_REASON_CHARS): string {
  const clean = sanitizeText(text);
  return clean.length <= maxChars ? clean : `${clean.slice(0, maxChars - 1)}…`;
}

/** Replaces each secret in a message with "***" (keys must never reach errors or logs). */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

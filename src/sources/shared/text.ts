import { redactSecrets } from '../../redact.js';
import { sanitizeText } from '../../output/sanitize.js';

/** Longest piece of third-party text quoted into an error message, in characters. */
export const MAX_QUOTED_CHARS = 160;

export interface ShortTextOptions {
  /** Cut to this many characters (the last one becomes "…"). @default MAX_QUOTED_CHARS */
  maxChars?: number;
  /** API keys to replace before anything else (a key must never reach an error or a log). */
  secrets?: ReadonlyArray<string | undefined>;
}

/**
 * Third-party text (an API's error sentence, an HTML error page) made fit for an error message:
 * secrets replaced, escape sequences and control characters removed, cut to one short line.
 * Errors end up on status lines and in logs, so adapters clean what they quote into them here;
 * data they return stays raw (the output layer sanitises it).
 */
export function shortText(text: string, options: ShortTextOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_QUOTED_CHARS;
  const secrets = (options.secrets ?? []).filter((secret): secret is string => Boolean(secret));
  // Redact first: a cut or a removed control character could split a key and hide it from the redactor.
  const clean = sanitizeText(redactSecrets(text, secrets));
  return clean.length <= maxChars ? clean : `${clean.slice(0, maxChars - 1)}…`;
}

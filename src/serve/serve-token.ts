import { createHash, timingSafeEqual } from 'node:crypto';
import { usageError } from '../options/parse-values.js';

/** Shortest `SCREEN_SERVE_TOKEN` accepted: a guessable token protects nothing. */
export const MIN_TOKEN_CHARS = 16;

/**
 * `SCREEN_SERVE_TOKEN` as the service uses it: undefined when unset or blank.
 * @throws QahtError QAHT_ERR_USAGE for a token shorter than 16 characters or holding spaces or
 * control characters (it could not travel in an `Authorization` header). The message never
 * quotes the token.
 */
export function parseServeToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(raw)) throw usageError('SCREEN_SERVE_TOKEN must not contain spaces or control characters');
  if (raw.length < MIN_TOKEN_CHARS) throw usageError(`SCREEN_SERVE_TOKEN must be at least ${MIN_TOKEN_CHARS} characters long`);
  return raw;
}

/**
 * Checks an `Authorization` header against the token in constant time: both sides are hashed
 * first, so neither the comparison nor the lengths leak how much of a guess was right.
 */
export function createTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    // A missing header is still compared, so its answer takes as long as a wrong one.
    const given = digest(match ? match[1]! : '');
    return timingSafeEqual(given, expected) && match !== null;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

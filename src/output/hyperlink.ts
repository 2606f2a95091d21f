import { sanitizeText } from './sanitize.js';

/** OSC 8 opener and closer (ST-terminated, as `ls --hyperlink`, `gh` and delta write them). */
const OPEN = '\u001b]8;;';
const ST = '\u001b\\';

/**
 * `text` as an OSC 8 hyperlink to `url`, which a terminal that supports them opens on click (and
 * one that does not shows as plain text). Only an http(s) URL is linked, and only one with no
 * control character or space left after sanitising (a third party's URL never writes escapes).
 */
export function hyperlink(text: string, url: string): string {
  const target = sanitizeText(url);
  if (target !== url || !/^https?:\/\/[^\s]+$/i.test(target)) return text;
  return `${OPEN}${target}${ST}${text}${OPEN}${ST}`;
}

/**
 * Whether hyperlinks go to this output: a terminal (never a pipe or a file), not `TERM=dumb`,
 * and not turned off with `--no-links`.
 */
export function linksWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean): boolean {
  return flag && stream.isTTY === true && env.TERM !== 'dumb';
}

import { sanitizeText } from './sanitize.js';
import { truncate } from './truncate.js';

/** Longest failure reason on a terminal line; `--json` and the log keep the whole text. */
export const SHORT_REASON_MAX_CHARS = 100;

/** A URL in a reason, with the method before it: its host (user info dropped) is what a person needs. */
const URL_IN_REASON =
  /(?:\b(?:GET|HEAD|POST) )?https?:\/\/(?:[^\s/?#"'<>@]*@)?([^\s/?#"'<>;),]+?)(?:[/?#][^\s"'<>;)]*?)?(?=[.,:;!?)]?(?:\s|$)|[;)])/i;
/** Where a quoted body begins after a URL (`… from GET <url>: <body>`) and where it ends. */
const BODY_START = ': ';
const BODY_END = /; |\)/;
/** The body quoted after a stated wait: `…; retry after 5s: <body>`. */
const BODY_AFTER_WAIT = /(retry after \d+s): .*$/;

/**
 * A failure reason cut down to one terminal line: each URL becomes its host, the response body an
 * error message quotes after it is dropped, control characters go, and the rest is cut to
 * `maxChars` (e.g. `HTTP 503 from GET https://api.x/v1/q?a=1: <html>…` → `HTTP 503 from api.x`).
 * The full reason stays in `--json` and the log.
 */
export function shortReason(text: string, maxChars = SHORT_REASON_MAX_CHARS): string {
  let rest = sanitizeText(text);
  let out = '';
  for (let match = URL_IN_REASON.exec(rest); match; match = URL_IN_REASON.exec(rest)) {
    out += `${rest.slice(0, match.index)}${match[1]}`;
    rest = rest.slice(match.index + match[0].length);
    if (rest.startsWith(BODY_START)) {
      const end = rest.search(BODY_END);
      rest = end === -1 ? '' : rest.slice(end);
    }
  }
  const line = `${out}${rest}`
    .replace(BODY_AFTER_WAIT, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return truncate(line, maxChars);
}

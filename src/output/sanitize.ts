/**
 * Cleaning third-party text before it reaches a terminal or a spreadsheet. A headline is data,
 * never instructions to the terminal: escape sequences could retitle the window, hide text,
 * plant hyperlinks (OSC 8) or reorder what is shown (bidi overrides).
 */

// ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
// (ESC P|X|^|_ ... ST), and two-byte escapes. Also their 8-bit C1 forms (0x9B CSI, 0x9D OSC, ...).
const ESCAPE_SEQUENCES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[PX^_][^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*(?:\u0007|\u009c)?|[\u0090\u0098\u009e\u009f][^\u009c]*\u009c?/g;
// C0 and C1 controls (tab/newline handled separately), DEL, and bidi/invisible format characters.
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * Removes escape sequences, control characters and bidi overrides; folds tabs and newlines into
 * single spaces and trims. Safe for a single table cell or status line.
 */
export function sanitizeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replace(ESCAPE_SEQUENCES, '')
    .replace(/[\t\r\n]+/g, ' ')
    .replace(CONTROL_CHARS, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Text for a log record: escape sequences, C0/C1 controls (but tab and newline), DEL and bidi or
 * invisible format characters removed. JSON escapes C0 controls but passes C1 controls (U+009B
 * is CSI to a terminal) and bidi overrides through, so a log read with `cat` or `tail -f` could
 * still be steered by an API's words; line breaks stay (a stack trace at debug keeps its shape).
 */
export function sanitizeLogText(value: string): string {
  return value.replace(ESCAPE_SEQUENCES, '').replace(CONTROL_CHARS, '');
}

/**
 * A CSV cell: sanitised, neutralised against formula injection (a leading = + - @ gets a quote
 * prefix, as OWASP recommends), and quoted when it holds a comma, a quote or a newline.
 */
export function csvCell(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = sanitizeText(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Recorded bodies carry times as tokens relative to "now" (`{{iso:-3600}}` = an hour ago), so the
 * demo's news is always within `--since` and its quotes look current.
 */
const TOKEN = /\{\{(iso|rfc822|unix|unixms|gdelt|date):(-?\d+)\}\}/g;

export function renderTimeTokens(body: string, nowMs: number): string {
  return body.replace(TOKEN, (_match, format: string, offset: string) => formatTime(format, nowMs + Number(offset) * 1000));
}

function formatTime(format: string, ms: number): string {
  const date = new Date(ms);
  const iso = date.toISOString();
  switch (format) {
    case 'iso':
      return `${iso.slice(0, 19)}Z`;
    case 'rfc822':
      return date.toUTCString();
    case 'unix':
      return String(Math.floor(ms / 1000));
    case 'unixms':
      return String(Math.floor(ms));
    case 'gdelt':
      return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    default:
      return iso.slice(0, 10);
  }
}

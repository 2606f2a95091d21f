import { formatAge } from './format-number.js';
import { shortReason } from './short-reason.js';

/** Longest reason in a human log line; the JSON log (`--log-file`) keeps it whole. */
const REASON_MAX_CHARS = 100;

/**
 * A log record as one line for a person at a terminal: `warn coingecko: stale, HTTP 503 from
 * api.coingecko.com` or `warn coingecko: rate limited by api.coingecko.com, HTTP 429, retry after 5s`.
 * The record is already scrubbed (keys and control characters gone); its URLs and bodies are cut
 * here as in status lines (`shortReason`). Files and pipes get pino's JSON instead.
 */
export function humanLogLine(level: string, record: Record<string, unknown>, message: string | undefined): string {
  const subject = firstText(record.source, record.host, record.screen, record.target);
  let text = message ?? '';
  // "coingecko stale" under the subject coingecko reads "coingecko: stale".
  if (subject && text.startsWith(`${subject} `)) text = text.slice(subject.length + 1);
  const details: string[] = [];
  if (typeof record.status === 'number') details.push(`HTTP ${record.status}`);
  if (typeof record.retryAfterMs === 'number') details.push(`retry after ${formatAge(record.retryAfterMs / 1000)}`);
  for (const reason of [record.error, record.reason, errorMessage(record.err)]) {
    if (typeof reason === 'string' && reason !== '') details.push(shortReason(reason, REASON_MAX_CHARS));
  }
  if (typeof record.signal === 'string') details.push(record.signal);
  const head = subject ? `${level} ${subject}: ` : `${level}: `;
  return `${head}${[text, ...details].filter((part) => part !== '').join(', ')}`;
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value !== '');
}

function errorMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string')
    return (value as { message: string }).message;
  return undefined;
}

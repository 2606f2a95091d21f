import type { OptionRecord } from '../options/option-record.js';

/** Help headings of the shared options, in the order help lists them (after the command's own). */
const OUTPUT = 'Output:';
const ALERTS = 'Alerts and changes:';
const RUN = 'Run and network options:';
const STORE = 'Store:';
const ORDER = [OUTPUT, ALERTS, RUN, STORE];

/** Which heading each shared option goes under, by record key; a command's own options go first. */
const GROUP_OF: Readonly<Record<string, string>> = {
  json: OUTPUT,
  csv: OUTPUT,
  limit: OUTPUT,
  outputFile: OUTPUT,
  currency: OUTPUT,
  timing: OUTPUT,
  quiet: OUTPUT,
  color: OUTPUT,
  links: OUTPUT,
  changes: ALERTS,
  alerts: ALERTS,
  notifyCmd: ALERTS,
  webhook: ALERTS,
  watch: ALERTS,
  watchlist: ALERTS,
  forceRefresh: RUN,
  offline: RUN,
  sources: RUN,
  strict: RUN,
  demo: RUN,
  metricsFile: RUN,
  logLevel: RUN,
  logFile: RUN,
  timeoutMs: RUN,
  deadlineMs: RUN,
  maxRetries: RUN,
  paceMs: RUN,
  retryBaseMs: RUN,
  config: RUN,
  cacheDir: STORE,
  store: STORE,
  storePrefix: STORE,
};

/**
 * The heading an option is listed under in `--help`: a data command's own options are its
 * "Screening options", every other command's own ones plain "Options"; the shared ones go under
 * output, alerts and changes, run and network, or store. A 33-option list reads as five short ones.
 */
export function helpGroup(record: OptionRecord<string, unknown>, own: boolean, screening: boolean): string {
  if (own) return screening ? 'Screening options:' : 'Options:';
  return GROUP_OF[record.key] ?? 'Options:';
}

/** An option every data command shares (listed under its heading, not among the command's own). */
export function isShared(record: OptionRecord<string, unknown>): boolean {
  return record.key in GROUP_OF;
}

/**
 * The records in help order: the command's own first, then output, alerts and changes, run and
 * network, store (commander lists a heading where its first option comes). Parsing ignores order.
 */
export function inHelpOrder<T extends OptionRecord<string, unknown>>(records: readonly T[]): T[] {
  const rank = (record: T): number => (isShared(record) ? ORDER.indexOf(GROUP_OF[record.key]!) + 1 : 0);
  return [...records].sort((a, b) => rank(a) - rank(b));
}

import type { SourceReport } from '../report.js';
import { shortReason } from './short-reason.js';

/** Longest reason per source on the line: several sources share it. */
const REASON_MAX_CHARS = 60;

/** Reasons that say this machine has no network (no DNS answer, no route), not that an API is down. */
const NO_NETWORK = /host not found|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ENETDOWN/;

/**
 * The last stderr line of a run that served nothing: each source that ran with its short reason,
 * e.g. `screen: no results: coingecko HTTP 503 from api.coingecko.com; binance timed out`.
 * `--demo` is suggested only when every source that ran failed for want of a network: an API
 * answering 503 on a production box is no reason to switch to sample data.
 */
export function noResultsLine(bin: string, sources: readonly SourceReport[], demo: boolean): string {
  const ran = sources.filter((source) => source.status !== 'skipped');
  const reasons = ran.map((source) => `${source.name} ${source.error ? shortReason(source.error, REASON_MAX_CHARS) : source.status}`);
  const offline = !demo && ran.length > 0 && ran.every((source) => source.error !== null && NO_NETWORK.test(source.error));
  const hint = offline ? ' (no network here? `--demo` runs on bundled sample responses)' : '';
  const detail = reasons.length > 0 ? reasons.join('; ') : 'every source failed and no cache could serve';
  return `${bin}: no results: ${detail}${hint}`;
}

import { formatAge } from '../../output/format-number.js';
import { shortReason } from '../../output/short-reason.js';
import type { JsonDocument } from '../../output/render-json.js';
import { escapeHtml } from './html.js';

/**
 * Each source's freshness as a badge: its name, status word and the age of its data. The badge
 * carries the fetch time (`data-fetched-at`, epoch ms), so the page's script keeps the age
 * current between updates.
 */
export function sourceBadges(document: JsonDocument, nowMs: number): string {
  const items = document.sources.map((source) => {
    const fetchedMs = source.fetchedAt === null ? Number.NaN : Date.parse(source.fetchedAt);
    const dated = Number.isFinite(fetchedMs);
    const age = dated ? formatAge(Math.max(0, (nowMs - fetchedMs) / 1000)) : '';
    // As the CLI's status lines cut it: hosts, never URLs or bodies.
    const title = source.error === null ? source.status : `${source.status}: ${shortReason(source.error)}`;
    return (
      `<li class="badge status-${escapeHtml(source.status)}"${dated ? ` data-fetched-at="${fetchedMs}"` : ''} title="${escapeHtml(title)}">` +
      `<span class="badge-name">${escapeHtml(source.name)}</span> <b>${escapeHtml(source.status)}</b>` +
      (dated ? ` <span class="age">${escapeHtml(age)}</span>` : '') +
      '</li>'
    );
  });
  return `<ul class="badges" aria-label="sources">${items.join('')}</ul>`;
}

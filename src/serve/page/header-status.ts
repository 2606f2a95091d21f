import { shortReason } from '../../output/short-reason.js';
import type { BreakerStateName } from '../../resilience/circuit-breaker.js';
import { escapeHtml } from './html.js';
import type { ScreenView } from './screen-sections.js';

/** The page's one-word verdict: every screen fresh or cached, some stale or failed, or nothing to serve. */
export type PageHealth = 'live' | 'degraded' | 'down';

/** A screen's condition for the header: `failed` (nothing to serve), `stale` (a source failed or served old data), or `ok`. */
function screenCondition(view: ScreenView): 'ok' | 'stale' | 'failed' {
  const document = view.document;
  if (!document) return 'failed';
  if (document.sources.length > 0 && document.sources.every((source) => source.status === 'failed' || source.status === 'skipped')) {
    return 'failed';
  }
  if (view.failure !== undefined) return 'stale';
  return document.sources.some((source) => source.status === 'stale' || source.status === 'failed') ? 'stale' : 'ok';
}

/**
 * The header's health line (`<span id="page-health">`): `live`, `degraded` or `down`, how many
 * screens are stale or failed, breakers that are not closed, and each failing source's reason cut
 * down as the CLI's status lines cut it (hosts, never URLs or bodies).
 */
export function headerStatus(views: readonly ScreenView[], breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>): string {
  const conditions = views.map(screenCondition);
  const stale = conditions.filter((condition) => condition === 'stale').length;
  const failed = conditions.filter((condition) => condition === 'failed').length;
  const word: PageHealth = views.length > 0 && failed === views.length ? 'down' : stale + failed > 0 ? 'degraded' : 'live';
  const parts: string[] = [];
  if (stale + failed > 0) {
    const counts = [stale > 0 ? `${stale} stale` : '', failed > 0 ? `${failed} failed` : ''].filter(Boolean).join(', ');
    parts.push(`${counts} of ${views.length} screen${views.length === 1 ? '' : 's'}`);
  }
  const open = [...breakers].filter(([, breaker]) => breaker.state !== 'CLOSED');
  if (open.length > 0) {
    parts.push(`breaker ${open.map(([host, breaker]) => `${host} ${breaker.state.toLowerCase().replace('_', '-')}`).join(', ')}`);
  }
  const reasons = new Set<string>();
  for (const view of views) {
    if (view.failure !== undefined) reasons.add(`${view.screen}: ${shortReason(view.failure, 80)}`);
    for (const source of view.document?.sources ?? []) {
      if ((source.status === 'failed' || source.status === 'stale') && source.error)
        reasons.add(`${source.name}: ${shortReason(source.error, 80)}`);
    }
  }
  const detail = parts.length > 0 ? ` <span class="health-detail">${escapeHtml(parts.join(' · '))}</span>` : '';
  const list =
    reasons.size > 0 ? `<ul class="health-reasons">${[...reasons].map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>` : '';
  return `<div id="page-health" class="page-health health-${word}" data-health="${word}"><b>${word}</b>${detail}${list}</div>`;
}

import { formatAge, formatMs } from '../../output/format-number.js';
import type { HostHealth, SourceHealth, StatusReport } from '../../output/status-report.js';
import { escapeHtml } from './html.js';

/**
 * The health panel: per source, each host's breaker (and when a probe may go out), the delay
 * learned against the documented one, the daily budget left, the last success and recent rate
 * limits, as `screen status` reports them after the latest refresh.
 */
export function healthSection(report: StatusReport | undefined, nowMs: number): string {
  const open = '<section id="health" class="screen"><h2>Source health</h2>';
  if (!report) return `${open}<p class="note">Known after the first refresh.</p></section>`;
  const head =
    '<thead><tr><th scope="col">Source</th><th scope="col">Breaker</th><th scope="col" class="num">Delay learned / documented</th>' +
    '<th scope="col" class="num">Budget left</th><th scope="col">Last success</th><th scope="col" class="num wide-only">429s 24h</th></tr></thead>';
  const rows = report.sources.map((source) => sourceRow(source, nowMs));
  return `${open}<div class="table-wrap"><table class="health">${head}<tbody>${rows.join('')}</tbody></table></div></section>`;
}

function sourceRow(source: SourceHealth, nowMs: number): string {
  const keyMissing = source.key.required && !source.key.configured;
  const name = `<b>${escapeHtml(source.name)}</b>${keyMissing ? ` <span class="note">no ${escapeHtml(source.key.variable)}</span>` : ''}`;
  const breakers = source.hosts.map((host) => breakerLine(host, nowMs)).join('');
  const delays = source.hosts
    .map(
      (host) =>
        `<div>${host.learnedDelayMs === null ? '–' : escapeHtml(formatMs(host.learnedDelayMs))} / ${escapeHtml(formatMs(source.documentedDelayMs))}</div>`,
    )
    .join('');
  const budget = source.dailyBudget
    ? `${Math.max(0, source.dailyBudget.limit - source.dailyBudget.usedToday)} of ${source.dailyBudget.limit}`
    : '–';
  return (
    `<tr data-source="${escapeHtml(source.name)}"${keyMissing ? ' class="dim"' : ''}>` +
    `<td>${name}</td><td>${breakers}</td><td class="num">${delays}</td><td class="num">${escapeHtml(budget)}</td>` +
    `<td>${lastSuccess(source, nowMs)}</td><td class="num wide-only">${source.rateLimits24h}</td></tr>`
  );
}

function breakerLine(host: HostHealth, nowMs: number): string {
  const state = host.breaker.toLowerCase();
  const probe =
    host.nextProbeAt === null
      ? ''
      : ` <span class="note">probe in ${escapeHtml(formatAge(Math.max(0, (host.nextProbeAt - nowMs) / 1000)))}</span>`;
  return `<div title="${escapeHtml(host.host)}"><span class="breaker breaker-${escapeHtml(state)}">${escapeHtml(state.replace('_', '-'))}</span>${probe}</div>`;
}

function lastSuccess(source: SourceHealth, nowMs: number): string {
  if (source.lastSuccessAt === null) return '<span class="note">never</span>';
  const age = formatAge(Math.max(0, (nowMs - source.lastSuccessAt) / 1000));
  return `<span data-fetched-at="${source.lastSuccessAt}"><span class="age">${escapeHtml(age)}</span> ago</span>`;
}

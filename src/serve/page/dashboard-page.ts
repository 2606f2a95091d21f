import type { StatusReport } from '../../output/status-report.js';
import type { BreakerStateName } from '../../resilience/circuit-breaker.js';
import { headerStatus } from './header-status.js';
import { healthSection } from './health-section.js';
import { escapeHtml } from './html.js';
import { type ScreenView, screenSection } from './screen-sections.js';

export interface DashboardView {
  /** Epoch ms the page is rendered at: ages count to it, and the script corrects the reader's clock by it. */
  nowMs: number;
  screens: readonly ScreenView[];
  health: StatusReport | undefined;
  /** The service's breakers by host: the header names those not closed. */
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }>;
  version: string;
  /** Paths of the stylesheet, script and icon, each named by its content so browsers may cache them for good. */
  assets: { style: string; script: string; icon: string };
}

/**
 * The dashboard, whole: every enabled screen's section (ranked crypto table with sparklines and
 * source badges, news lists, market table) and the health panel, readable without JavaScript.
 * Nothing on it points to another host except the news links themselves.
 */
export function renderDashboardPage(view: DashboardView): string {
  const sections = view.screens.map((screen) => screenSection(screen, view.nowMs));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<title>qaht dashboard</title>',
    `<link rel="icon" href="${view.assets.icon}" type="image/svg+xml">`,
    `<link rel="stylesheet" href="${view.assets.style}">`,
    `<script src="${view.assets.script}" defer></script>`,
    `</head><body data-server-now="${view.nowMs}">`,
    '<header><h1>qaht</h1><span id="live">static</span>',
    headerStatus(view.screens, view.breakers),
    '<span class="note"><a href="/api/signals">JSON</a> · <a href="/api/metrics">stats</a> · <a href="/metrics">metrics</a></span></header>',
    `<main>${sections.join('')}${healthSection(view.health, view.nowMs)}</main>`,
    `<footer>qaht ${escapeHtml(view.version)} · answers refresh on a schedule; reading this page asks no API anything</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The page's icon: a small chart line, served by qaht (so a browser's favicon request finds it). */
export const DASHBOARD_ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2454c5"/>' +
  '<polyline points="2,12 6,8 9,10 14,4" fill="none" stroke="#fff" stroke-width="2"/></svg>';

import { createHash } from 'node:crypto';
import { DASHBOARD_ICON_SVG } from './page/dashboard-page.js';
import { DASHBOARD_JS } from './page/dashboard-script.js';
import { DASHBOARD_CSS } from './page/dashboard-style.js';

/** A static file the page uses, at a path named by its content (so it may be cached for good). */
export interface DashboardAsset {
  path: string;
  contentType: string;
  body: string;
}

function asset(name: string, extension: string, contentType: string, body: string): DashboardAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${extension}`, contentType, body };
}

/** The dashboard's stylesheet, script and icon, all served by qaht (no third-party host). */
export const DASHBOARD_ASSETS = {
  style: asset('dashboard', 'css', 'text/css; charset=utf-8', DASHBOARD_CSS),
  script: asset('dashboard', 'js', 'text/javascript; charset=utf-8', DASHBOARD_JS),
  icon: asset('icon', 'svg', 'image/svg+xml', DASHBOARD_ICON_SVG),
} as const;

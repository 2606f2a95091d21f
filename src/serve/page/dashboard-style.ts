/**
 * The dashboard's stylesheet, served as `/assets/dashboard.css` (the page's content security
 * policy allows no inline style). Light and dark follow `prefers-color-scheme`; below 600 px the
 * wide-only columns fold away so the page fits a 375 px phone without sideways scrolling.
 */
export const DASHBOARD_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f7f7f5; --fg: #1c1d1f; --muted: #6b6f76; --card: #ffffff; --line: #e2e3e6;
  --up: #0a7a3f; --down: #c0262d; --accent: #2454c5;
  --fresh: #d9f2e3; --cached: #e3ecfb; --stale: #fbefd2; --failed: #f9dcdc; --skipped: #ececec;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121417; --fg: #e6e7e9; --muted: #9aa0a8; --card: #1b1e22; --line: #2c3036;
    --up: #4cc38a; --down: #ff6b6b; --accent: #7aa2ff;
    --fresh: #123d27; --cached: #1a2d4d; --stale: #4a3a12; --failed: #4d1f1f; --skipped: #2a2d31;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 12px; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; padding-top: 12px; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 16px; margin: 0 0 4px; }
a { color: var(--accent); }
.screen { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; margin: 12px 0; min-width: 0; }
.meta, .note { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
.warn { background: var(--stale); border-radius: 4px; padding: 4px 8px; margin: 6px 0; font-size: 13px; overflow-wrap: anywhere; }
#live { font-size: 12px; color: var(--muted); }
#live.on::before { content: "● "; color: var(--muted); }
.page-health { font-size: 13px; } .page-health b { text-transform: uppercase; }
.health-live b { color: var(--up); } .health-degraded b { color: var(--stale-text, #b26b00); } .health-down b { color: var(--down); }
.health-reasons { margin: 2px 0 0; padding-left: 18px; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.badges { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; padding: 0; margin: 0 0 8px; }
.badge { border-radius: 999px; padding: 1px 8px; font-size: 12px; background: var(--skipped); white-space: nowrap; }
.badge b { font-weight: 600; }
.flag { border-radius: 4px; padding: 0 5px; margin-right: 4px; font-size: 11px; background: var(--skipped); white-space: nowrap; }
.why { color: var(--muted); font-size: 12px; }
th .evidence { display: block; font-weight: normal; font-size: 11px; color: var(--muted); white-space: normal; }
.flag.verdict-helps { background: var(--fresh); }
.flag.verdict-hurts { background: var(--failed); }
.status-fresh { background: var(--fresh); } .status-cached { background: var(--cached); }
.status-stale { background: var(--stale); } .status-failed { background: var(--failed); }
.status-live { background: var(--fresh); } .status-down { background: var(--stale); }
td.price.moved-up { color: var(--up); } td.price.moved-down { color: var(--down); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
th button { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
.num { text-align: right; white-space: nowrap; }
td.up { color: var(--up); } td.down { color: var(--down); }
.name { color: var(--muted); }
.spark { display: block; }
.spark polyline { fill: none; stroke-width: 1.5; stroke: var(--muted); }
.spark polyline.up { stroke: var(--up); } .spark polyline.down { stroke: var(--down); }
.news { margin: 0; padding-left: 22px; }
.news li { margin: 0 0 6px; overflow-wrap: anywhere; }
.news .meta { display: block; margin: 0; }
.breaker { border-radius: 4px; padding: 0 6px; font-size: 12px; }
.breaker-closed { background: var(--fresh); } .breaker-half_open { background: var(--stale); } .breaker-open { background: var(--failed); }
tr.dim td { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; padding-bottom: 16px; }
@media (max-width: 600px) {
  header, main, footer { padding: 0 6px; }
  .screen { padding: 8px; }
  .wide-only { display: none; }
  .name { display: block; font-size: 12px; }
  th, td { padding: 3px; }
  .spark { width: 48px; height: 20px; }
}
`;

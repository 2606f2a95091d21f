import type { StatusReport } from '../output/status-report.js';
import type { BreakerStateName } from '../resilience/circuit-breaker.js';
import { headerStatus } from './page/header-status.js';
import { healthSection } from './page/health-section.js';
import { type ScreenView, screenSection } from './page/screen-sections.js';
import type { ScreenBoard, ScreenState } from './screen-board.js';
import { servedDocument } from './served-document.js';

/** Every enabled screen as the page shows it, in the board's order. */
export function screenViews(board: ScreenBoard, nowMs: number): ScreenView[] {
  return board.states.map((state) => screenView(board, state, nowMs));
}

function screenView(board: ScreenBoard, state: ScreenState, nowMs: number): ScreenView {
  return {
    id: sectionId(board, state),
    screen: state.job.screen,
    query: state.job.query,
    document: servedDocument(state, nowMs),
    failure: state.failure?.reason,
  };
}

/** `crypto`, `market`, or `news-<n>` for the n-th news query (the page's element ids). */
function sectionId(board: ScreenBoard, state: ScreenState): string {
  if (state.job.screen !== 'news') return state.job.screen;
  return `news-${board.states.filter((other) => other.job.screen === 'news').indexOf(state)}`;
}

/**
 * The data of one `update` event: which screen was refreshed, the document `/api/signals` now
 * serves for it (null while it has none), and the page's refreshed section and health panel as
 * HTML, for the dashboard's script.
 */
export function updateEvent(
  board: ScreenBoard,
  state: ScreenState,
  health: StatusReport | undefined,
  nowMs: number,
  breakers: ReadonlyMap<string, { readonly state: BreakerStateName }> = new Map(),
): unknown {
  const view = screenView(board, state, nowMs);
  return {
    screen: state.job.screen,
    query: state.job.query ?? null,
    stale: state.failure !== undefined,
    document: view.document ?? null,
    html: {
      id: view.id,
      section: screenSection(view, nowMs),
      health: healthSection(health, nowMs),
      header: headerStatus(screenViews(board, nowMs), breakers),
    },
  };
}

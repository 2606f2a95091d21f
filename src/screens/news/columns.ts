import type { ColumnSpec } from '../../output/column-spec.js';
import { formatAge } from '../../output/format-number.js';
import { sanitizeText } from '../../output/sanitize.js';
import { shortUrl } from './canonical-url.js';
import type { NewsRow } from './news-row.js';

/** Widest title cell in the table (the renderer truncates with "…"). */
export const TITLE_MAX_WIDTH = 70;
/** Widest link cell: host and path, cut (`shortUrl`); CSV and JSON keep the whole URL. */
const URL_MAX_WIDTH = 40;
/** On a narrow terminal the link shrinks to this before anything else goes, so a story keeps a way to find it. */
const URL_FLOOR_WIDTH = 16;

/**
 * Table/CSV columns for news. `value` is the machine value (CSV), `display` the table text; every
 * display passes third-party text through `sanitizeText` (the renderer does too, harmlessly).
 * Drop order on a narrow terminal (first dropped first): Score (5), Via (4), Source (2); Age,
 * Title and a short link are never dropped (at 80 columns: age, a 40-character title, a
 * 26-character link). On a terminal the title and the short link are hyperlinks to the story
 * (where the terminal shows them); off one (a pipe, a file) the URL is whole, never cut.
 */
export function newsColumns(nowMs: number, terminal = true): ColumnSpec<NewsRow>[] {
  return [
    {
      key: 'publishedAt',
      header: 'Age',
      value: (row) => row.publishedAt,
      display: (row) => timeAgo(row.publishedAt, nowMs),
      align: 'right',
      dropOrder: 0,
    },
    {
      key: 'source',
      header: 'Source',
      value: (row) => row.source,
      // "Reuters +2": the outlet, and how many other sources carried the story.
      display: (row) => `${sanitizeText(row.source)}${row.sources.length > 1 ? ` +${row.sources.length - 1}` : ''}`,
      maxWidth: 24,
      dropOrder: 2,
    },
    {
      key: 'title',
      header: 'Title',
      value: (row) => row.title,
      display: (row) => sanitizeText(row.title),
      link: (row) => row.url,
      maxWidth: TITLE_MAX_WIDTH,
      dropOrder: 0,
    },
    {
      key: 'url',
      header: 'URL',
      value: (row) => row.url,
      ...(terminal
        ? {
            display: (row: NewsRow) => sanitizeText(shortUrl(row.url, URL_MAX_WIDTH)),
            link: (row: NewsRow) => row.url,
            maxWidth: URL_MAX_WIDTH,
            flexFloor: URL_FLOOR_WIDTH,
          }
        : { display: (row: NewsRow) => sanitizeText(row.url) }),
      dropOrder: 0,
    },
    {
      key: 'sources',
      header: 'Via',
      // CSV keeps the list in one cell; ";" never occurs in a source name.
      value: (row) => row.sources.join(';'),
      display: (row) => row.sources.join(','),
      dropOrder: 4,
    },
    {
      key: 'score',
      header: 'Score',
      value: (row) => row.score,
      display: (row) => row.score.toFixed(1),
      align: 'right',
      dropOrder: 5,
    },
  ];
}

/** "5m", "3h", "2d" since `iso`, from the run's clock; "0s" for future times. */
export function timeAgo(iso: string, nowMs: number): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '?';
  return formatAge(Math.max(0, nowMs - ms) / 1000);
}

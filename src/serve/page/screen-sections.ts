import { formatAge, formatCompact, formatPercent, formatScaledPrice } from '../../output/format-number.js';
import type { JsonDocument } from '../../output/render-json.js';
import type { CryptoRow } from '../../screens/crypto/crypto-row.js';
import { parseVerdictSummary, type VerdictSummary, verdictLabel } from '../../screens/eval/flag-verdicts.js';
import type { Verdict } from '../../screens/eval/verdict.js';
import type { MarketRow } from '../../screens/market/rows.js';
import type { NewsRow } from '../../screens/news/news-row.js';
import { signalFlagsOf } from '../../screens/signals/signal-columns.js';
import { NO_SIGNAL_FIELDS, SIGNAL_FLAGS, type SignalFields, type SignalFlag } from '../../screens/signals/signal-fields.js';
import type { ServeScreen } from '../screen-job.js';
import { shortReason } from '../../output/short-reason.js';
import { escapeHtml, safeHref, sortValue } from './html.js';
import { sourceBadges } from './source-badges.js';
import { sparklineSvg } from './sparkline-svg.js';

/** One screen as the page shows it. */
export interface ScreenView {
  /** The section's element id: `crypto`, `market`, or `news-<n>` for the n-th `--news-query`. */
  id: string;
  screen: ServeScreen;
  query: string | undefined;
  /** What `/api/signals` serves for the screen now; undefined before its first answer. */
  document: JsonDocument | undefined;
  /** Why the latest refresh failed, while it has (the document is then the last answer, stale). */
  failure: string | undefined;
}

/** A screen's `<section>`: heading, source badges and its results (or why there are none yet). */
export function screenSection(view: ScreenView, nowMs: number): string {
  const title = view.screen === 'news' ? `News: ${escapeHtml(view.query)}` : view.screen === 'crypto' ? 'Crypto' : 'Market';
  const parts = [`<section id="${view.id}" class="screen" data-screen="${view.screen}">`, `<h2>${title}</h2>`];
  const document = view.document;
  if (!document) {
    parts.push(
      `<p class="note">${view.failure ? `No answer yet: ${escapeHtml(shortReason(view.failure))}` : 'Fetching the first answer…'}</p>`,
    );
    return `${parts.join('')}</section>`;
  }
  const generatedMs = Date.parse(document.generatedAt);
  parts.push(
    `<p class="meta">Refreshed <time datetime="${escapeHtml(document.generatedAt)}" data-fetched-at="${generatedMs}">` +
      `<span class="age">${escapeHtml(formatAge(Math.max(0, (nowMs - generatedMs) / 1000)))}</span> ago</time></p>`,
  );
  parts.push(sourceBadges(document, nowMs));
  if (view.failure) parts.push(`<p class="warn">Serving the last answer: ${escapeHtml(shortReason(view.failure))}</p>`);
  if (view.screen === 'crypto') parts.push(cryptoTable(document.results as CryptoRow[], evidenceOf(document)));
  else if (view.screen === 'news') parts.push(newsList(document.results as NewsRow[], nowMs));
  else parts.push(marketTable(document.results as MarketRow[]));
  return `${parts.join('')}</section>`;
}

interface Column {
  key: string;
  label: string;
  /** `num` columns sort by number and align right. */
  type: 'num' | 'text';
  /** Hidden on a narrow screen (the page's CSS decides below which width). */
  narrowHidden?: boolean;
}

function tableHead(columns: readonly Column[], sortedBy: string, extra: Readonly<Record<string, string>> = {}): string {
  const cells = columns.map((column) => {
    const classes = [column.type === 'num' ? 'num' : '', column.narrowHidden ? 'wide-only' : ''].filter(Boolean).join(' ');
    const sort = column.key === sortedBy ? 'descending' : 'none';
    const button =
      column.key === 'spark'
        ? column.label
        : `<button type="button" data-key="${column.key}" data-type="${column.type}">${column.label}</button>${extra[column.key] ?? ''}`;
    return `<th scope="col"${classes ? ` class="${classes}"` : ''} aria-sort="${sort}">${button}</th>`;
  });
  return `<thead><tr>${cells.join('')}</tr></thead>`;
}

const CRYPTO_COLUMNS: readonly Column[] = [
  { key: 'rank', label: '#', type: 'num', narrowHidden: true },
  { key: 'symbol', label: 'Coin', type: 'text' },
  { key: 'price', label: 'Price $', type: 'num' },
  { key: 'change24h', label: '24h', type: 'num' },
  { key: 'change7d', label: '7d', type: 'num', narrowHidden: true },
  { key: 'volume', label: 'Volume', type: 'num', narrowHidden: true },
  { key: 'mcap', label: 'MCap', type: 'num', narrowHidden: true },
  { key: 'spark', label: '7 days', type: 'text' },
  { key: 'rvol', label: 'RVol', type: 'num', narrowHidden: true },
  { key: 'rs7d', label: 'RS 7d', type: 'num', narrowHidden: true },
  { key: 'rsi', label: 'RSI', type: 'num', narrowHidden: true },
  { key: 'why', label: 'Why', type: 'num', narrowHidden: true },
  { key: 'score', label: 'Score', type: 'num' },
];

function cryptoTable(rows: readonly CryptoRow[], evidence: VerdictSummary | undefined): string {
  if (rows.length === 0) return '<p class="note">No coin passed the screen.</p>';
  const body = rows.map((row) => {
    const change7d = typeof row.change7dPct === 'number' ? `, ${formatPercent(row.change7dPct)} over 7 days` : '';
    return (
      `<tr data-id="${escapeHtml(row.id)}">` +
      `<td class="num wide-only" data-v="${sortValue(row.rank)}">${row.rank === null ? '–' : escapeHtml(row.rank)}</td>` +
      `<td data-v="${escapeHtml(row.symbol)}"><b>${escapeHtml(row.symbol)}</b> <span class="name">${escapeHtml(row.name)}</span></td>` +
      `<td class="num price" data-v="${sortValue(row.priceUsd)}">${escapeHtml(formatScaledPrice(row.priceUsd))}</td>` +
      percentCell(row.change24hPct, false) +
      percentCell(row.change7dPct, true) +
      `<td class="num wide-only" data-v="${sortValue(row.volume24hUsd)}">${escapeHtml(formatCompact(row.volume24hUsd))}</td>` +
      `<td class="num wide-only" data-v="${sortValue(row.marketCapUsd)}">${escapeHtml(formatCompact(row.marketCapUsd))}</td>` +
      `<td class="spark-cell">${sparklineSvg(row.sparkline7d, `${row.symbol} price, 7 days${change7d}`)}</td>` +
      signalCells(row, row.verdicts) +
      `<td class="num" data-v="${sortValue(row.score)}">${escapeHtml(row.score.toFixed(1))}</td>` +
      '</tr>'
    );
  });
  const head = tableHead(CRYPTO_COLUMNS, 'score', evidence ? { why: evidenceLine(evidence) } : {});
  return `<div class="table-wrap"><table class="sortable crypto">${head}<tbody>${body.join('')}</tbody></table></div>`;
}

/** The document's `evidence` (the flags' 7-day verdicts from `screen eval`), when it has one. */
function evidenceOf(document: JsonDocument): VerdictSummary | undefined {
  return parseVerdictSummary((document as { evidence?: unknown }).evidence);
}

/** Under the Why header: each flag's 7-day verdict, or one `too early` while every flag is. */
function evidenceLine(evidence: VerdictSummary): string {
  const flags = SIGNAL_FLAGS.filter((flag) => evidence.verdicts[flag] !== 'too early');
  const text =
    flags.length === 0
      ? `${evidence.horizonDays}d evidence: too early`
      : flags.map((flag) => verdictLabel(flag, evidence.verdicts[flag])).join(' · ');
  return ` <small class="evidence" title="screen eval, ${evidence.horizonDays}-day forward return vs the median coin">${escapeHtml(text)}</small>`;
}

/**
 * RVol, RS 7d, RSI and the Why cell: each flag as a badge, then the reasons in words. The Why
 * column sorts by how many flags a row carries (rows without history last).
 */
function signalCells(row: Partial<SignalFields>, verdicts: Partial<Record<SignalFlag, Verdict>> | undefined): string {
  const number = (value: number | null | undefined, digits: number) =>
    `<td class="num wide-only" data-v="${sortValue(value)}">${typeof value === 'number' ? escapeHtml(value.toFixed(digits)) : '–'}</td>`;
  const fields: SignalFields = { ...NO_SIGNAL_FIELDS, ...row };
  const flags = fields.historyAsOf === null ? [] : signalFlagsOf(fields);
  const badges = flags.map((flag) => flagBadge(flag, verdicts?.[flag])).join('');
  const why = fields.why ? `<span class="why">${escapeHtml(fields.why)}</span>` : '';
  const count = fields.historyAsOf === null ? '' : String(flags.length);
  return (
    number(fields.rvol, 1) +
    number(fields.rs7dPct, 1) +
    number(fields.rsi14, 0) +
    `<td class="why-cell wide-only" data-v="${count}">${badges}${why || (badges ? '' : '–')}</td>`
  );
}

/** A flag's badge; with its 7-day verdict (from `screen eval`) as a mark, a class and a tooltip. */
function flagBadge(flag: SignalFlag, verdict: Verdict | undefined): string {
  if (verdict === undefined) return `<span class="flag flag-${flag}">${flag}</span>`;
  const mark = verdict === 'helps' ? ' ✓' : verdict === 'hurts' ? ' ✗' : '';
  const title = escapeHtml(`${flag}: ${verdict} (7-day, screen eval)`);
  return `<span class="flag flag-${flag} verdict-${verdict.replace(' ', '-')}" title="${title}">${flag}${mark}</span>`;
}

function percentCell(value: number | null, narrowHidden: boolean, sinceOpen = false): string {
  const sign = typeof value === 'number' && value !== 0 ? (value > 0 ? ' up' : ' down') : '';
  // The same mark as the CLI table: this change is since today's open, not the previous close.
  const mark = sinceOpen ? '<abbr class="since-open" title="since today\'s open, not the previous close">*</abbr>' : '';
  return `<td class="num${sign}${narrowHidden ? ' wide-only' : ''}" data-v="${sortValue(value)}">${escapeHtml(formatPercent(value))}${mark}</td>`;
}

function newsList(rows: readonly NewsRow[], nowMs: number): string {
  if (rows.length === 0) return '<p class="note">No story in the window.</p>';
  const items = rows.map((row) => {
    const href = safeHref(row.url);
    const title = escapeHtml(row.title);
    const headline = href ? `<a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${title}</a>` : title;
    const publishedMs = Date.parse(row.publishedAt);
    const age = Number.isFinite(publishedMs) ? `${formatAge(Math.max(0, (nowMs - publishedMs) / 1000))} ago` : '';
    const meta = [escapeHtml(row.source), escapeHtml(age), `score ${escapeHtml(row.score.toFixed(1))}`].filter(Boolean).join(' · ');
    return `<li>${headline}<span class="meta">${meta}</span></li>`;
  });
  return `<ol class="news">${items.join('')}</ol>`;
}

const MARKET_COLUMNS: readonly Column[] = [
  { key: 'symbol', label: 'Symbol', type: 'text' },
  { key: 'name', label: 'Name', type: 'text', narrowHidden: true },
  { key: 'price', label: 'Price', type: 'num' },
  { key: 'change', label: 'Change', type: 'num' },
  { key: 'volume', label: 'Volume', type: 'num', narrowHidden: true },
  { key: 'score', label: 'Score', type: 'num' },
];

function marketTable(rows: readonly MarketRow[]): string {
  if (rows.length === 0) return '<p class="note">No quote yet.</p>';
  const body = rows.map(
    (row) =>
      `<tr data-id="${escapeHtml(row.symbol)}">` +
      `<td data-v="${escapeHtml(row.symbol)}"><b>${escapeHtml(row.symbol)}</b></td>` +
      `<td class="wide-only" data-v="${escapeHtml(row.name ?? '')}">${escapeHtml(row.name ?? '–')}</td>` +
      `<td class="num" data-v="${sortValue(row.price)}">${escapeHtml(formatScaledPrice(row.price))}</td>` +
      percentCell(row.changePct, false, row.changeBasis === 'open') +
      `<td class="num wide-only" data-v="${sortValue(row.volume)}">${escapeHtml(formatCompact(row.volume))}</td>` +
      `<td class="num" data-v="${sortValue(row.score)}">${row.score === null ? '–' : escapeHtml(row.score.toFixed(1))}</td>` +
      '</tr>',
  );
  return `<div class="table-wrap"><table class="sortable market">${tableHead(MARKET_COLUMNS, 'score')}<tbody>${body.join('')}</tbody></table></div>`;
}

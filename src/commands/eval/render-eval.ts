/** `screen eval`'s output: the table, the notes beside it on stderr, and the JSON document. */
import type { ChalkInstance } from 'chalk';
import { drawTable } from '../../output/draw-table.js';
import type { SignalEvaluation } from '../../screens/eval/evaluate.js';
import { dayCloseIso, dayStartIso } from '../../screens/eval/utc-day.js';
import type { Verdict } from '../../screens/eval/verdict.js';
import type { EvalResult } from './run.js';

/** What each signal name means, in the table's first column. */
const SIGNAL_LABELS: Readonly<Record<string, string>> = {
  rvol: 'rvol ≥ 2.5',
  breakout: 'breakout',
  rs: 'rs7d ≥ +10',
  squeeze: 'squeeze ≤ 10',
  oversold: 'rsi14 < 30',
  overbought: 'rsi14 > 70',
  topDecile: 'score top 10%',
  all: 'every coin',
};

export async function renderEvalTable(result: EvalResult, chalk: ChalkInstance): Promise<string> {
  const rows = result.evaluation.rows.map((row) => [
    row.signal === 'all' && result.screen === 'market' ? 'every stock' : (SIGNAL_LABELS[row.signal] ?? row.signal),
    String(row.n),
    String(row.dates),
    String(row.missing),
    pct(row.meanExcessPct),
    row.ciLowPct === null || row.ciHighPct === null ? '–' : `${pct(row.ciLowPct)} … ${pct(row.ciHighPct)}`,
    row.hitRate === null ? '–' : `${Math.round(row.hitRate * 100)}%`,
    colourVerdict(row.verdict, chalk),
  ]);
  return drawTable(
    {
      head: ['signal', 'n', 'dates', 'missing', `mean excess ${result.evaluation.horizonDays}d`, '95% interval', 'hit rate', 'verdict'],
      aligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
      chalk,
    },
    rows,
  );
}

/** The stderr lines: what the evidence is, what excess means, and what the verdicts do not say. */
export function renderEvalNotes(result: EvalResult): string[] {
  const { evaluation } = result;
  const h = evaluation.horizonDays;
  const source = result.basis === 'journal' ? 'journal' : 'backfill';
  const lines =
    result.days > 0
      ? [
          `${source}: ${result.days} day${result.days === 1 ? '' : 's'}, ${result.firstDate} to ${result.lastDate}${result.assets === undefined ? '' : `, ${result.assets} assets with stored candles`} (${result.store} store)`,
        ]
      : result.basis === 'backfill'
        ? [`${source}: no stored candles for ${result.screen}; \`screen history fill\` fetches them`]
        : result.screen === 'crypto'
          ? [
              `${source}: no days recorded yet for crypto; every \`screen crypto\` run records the day that closed, so evidence builds up from the next one`,
            ]
          : [
              `${source}: no trading days recorded yet for market; a \`screen market\` run with MASSIVE_API_KEY records the last closed trading day, and \`--basis backfill\` answers from stored daily bars`,
            ];
  const asset = result.screen === 'crypto' ? 'coin' : 'stock';
  if (result.days > 0 && evaluation.fromDay === undefined) lines.push(`no day has a ${h}-day forward return yet`);
  if (result.screen === 'market')
    lines.push(`market: a horizon counts trading days (${h}d = ${h} session${h === 1 ? '' : 's'}), as the stocks' signals count bars`);
  lines.push(
    `excess: a ${asset}'s ${h}-day return after the signal minus the median ${asset}'s that day; "every ${asset}" is the baseline a random pick earns against that median`,
    'a verdict is about the past: helps/hurts = the 95% interval is above/below zero; past excess return is not a promise',
  );
  if (result.survivorshipBiased)
    lines.push(`warning: backfill sees only ${asset}s whose candles are stored today: survivorship-biased (too kind)`);
  return lines;
}

/** The JSON document (README "`screen eval`"). */
export function renderEvalJson(result: EvalResult): string {
  const { evaluation } = result;
  const document = {
    command: 'eval',
    screen: result.screen,
    generatedAt: new Date(result.generatedAt).toISOString(),
    horizonDays: evaluation.horizonDays,
    // Stocks' horizons count sessions (trading days), crypto's calendar days.
    horizonUnit: result.screen === 'market' ? 'tradingDays' : 'days',
    basis: result.basis,
    survivorshipBiased: result.survivorshipBiased,
    days: result.days,
    assets: result.assets ?? null,
    from: evaluation.fromDay === undefined ? null : dayStartIso(evaluation.fromDay),
    to: evaluation.toDay === undefined ? null : dayCloseIso(evaluation.toDay),
    rows: evaluation.rows.map(jsonRow),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function jsonRow(row: SignalEvaluation): Record<string, unknown> {
  return {
    signal: row.signal,
    n: row.n,
    dates: row.dates,
    missing: row.missing,
    meanExcessPct: round(row.meanExcessPct),
    ciLowPct: round(row.ciLowPct),
    ciHighPct: round(row.ciHighPct),
    hitRate: round(row.hitRate),
    verdict: row.verdict,
  };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}

function pct(value: number | null): string {
  if (value === null) return '–';
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}%`;
}

function colourVerdict(verdict: Verdict, chalk: ChalkInstance): string {
  switch (verdict) {
    case 'helps':
      return chalk.green(`✓ ${verdict}`);
    case 'hurts':
      return chalk.red(`✗ ${verdict}`);
    case 'no evidence':
      return verdict;
    case 'too early':
      return chalk.dim(verdict);
  }
}

import { FLAG_THRESHOLDS, hasSignalFlag } from './flags.js';
import type { ScoreTerms } from './signal-score.js';
import type { SignalFields } from './signal-fields.js';

/** Reasons shown at most; the strongest first. */
const MAX_REASONS = 3;
/** Unflagged values still worth a word: above these they lift the row. */
const MENTION = { rvol: 1.5, rs7dPct: 3, squeezePct: 25 } as const;
/** RSI is context, not a score driver: a flagged RSI ranks after flagged score terms of any strength. */
const RSI_STRENGTH = 0;
const TREND_STRENGTH = 0;

interface Reason {
  text: string;
  flagged: boolean;
  /** 0–100: the score term behind it, so reasons rank the way they weigh. */
  strength: number;
}

/**
 * The two or three strongest reasons a row ranks, in words: flagged signals first, then values
 * that lift the score, each ordered by its score term; joined with ` · `, e.g.
 * `vol×3.4 · 20d high · +12% vs market 7d`. Built from numbers and fixed words only.
 */
export function whyOf(fields: SignalFields, terms: ScoreTerms): string {
  const reasons: Reason[] = [];
  if (fields.breakout !== null) reasons.push({ text: `${fields.breakout} high`, flagged: true, strength: terms.breakout ?? 0 });
  if (fields.rvol !== null && fields.rvol >= MENTION.rvol)
    reasons.push({ text: `vol×${fields.rvol.toFixed(1)}`, flagged: hasSignalFlag(fields, 'rvol'), strength: terms.rvolPct ?? 0 });
  if (fields.rs7dPct !== null && fields.rs7dPct >= MENTION.rs7dPct)
    reasons.push({
      text: `+${Math.round(fields.rs7dPct)}% vs market 7d`,
      flagged: hasSignalFlag(fields, 'rs'),
      strength: terms.rs7dPct ?? 0,
    });
  if (fields.squeezePct !== null && fields.squeezePct <= MENTION.squeezePct)
    reasons.push({
      text: `squeeze p${Math.round(fields.squeezePct)}`,
      flagged: hasSignalFlag(fields, 'squeeze'),
      strength: terms.squeezePct ?? 0,
    });
  const rsi = rsiReason(fields);
  if (rsi) reasons.push(rsi);
  if (fields.trend === 'up') reasons.push({ text: 'uptrend', flagged: false, strength: TREND_STRENGTH });
  // A stable sort keeps the order above among equals.
  reasons.sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.strength - a.strength);
  return reasons
    .slice(0, MAX_REASONS)
    .map((reason) => reason.text)
    .join(' · ');
}

/** The daily RSI past a bound is a flag; the hourly one only context (it ranks after every flag). */
function rsiReason(fields: SignalFields): Reason | null {
  for (const [value, label, flagged] of [
    [fields.rsi14, 'RSI', true],
    [fields.rsi14h, 'RSI 1h', false],
  ] as const) {
    if (value === null) continue;
    if (value < FLAG_THRESHOLDS.oversold) return { text: `${label} ${Math.round(value)} oversold`, flagged, strength: RSI_STRENGTH };
    if (value > FLAG_THRESHOLDS.overbought) return { text: `${label} ${Math.round(value)} overbought`, flagged, strength: RSI_STRENGTH };
  }
  return null;
}

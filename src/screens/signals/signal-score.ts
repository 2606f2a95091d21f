import type { Breakout } from './signal-fields.js';

/** The score model's name, as the crypto document states it (`"scoreModel"`). */
export const SCORE_MODEL = 'signals-v1';

/** What a breakout adds to the score: a 52-week high is worth more than a 20-day one. */
export const BREAKOUT_TERM: Readonly<Record<Breakout | 'none', number>> = { '52w': 100, '20d': 75, none: 0 };

/** The four terms of the score, each 0–100; null where the row's history is too short for it. */
export interface ScoreTerms {
  rvolPct: number | null;
  rs7dPct: number | null;
  /** Percentile of 100 − squeezePct: the tighter the bands, the higher. */
  squeezePct: number | null;
  breakout: number | null;
}

/**
 * signals-v1: the mean of the terms the row has (a term its history is too short for is left out
 * of the mean), to one decimal; null when it has none, and the row keeps its snapshot score.
 */
export function signalScore(terms: ScoreTerms): number | null {
  let sum = 0;
  let count = 0;
  for (const term of [terms.rvolPct, terms.rs7dPct, terms.squeezePct, terms.breakout]) {
    if (term === null) continue;
    sum += term;
    count++;
  }
  return count === 0 ? null : Math.round((sum / count) * 10) / 10;
}

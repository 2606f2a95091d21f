/**
 * The crypto score, 0–100 (one decimal). Three parts, each in [0, 1]:
 *
 *   momentum  M = weighted mean of tanh(1h% / 2), tanh(24h% / 8), tanh(7d% / 20)
 *                 (weights 0.2, 0.4, 0.4 over the changes that exist; 0 when none), mapped from
 *                 [-1, 1] to [0, 1]. tanh squashes: +2% in an hour, +8% in a day or +20% in a week
 *                 each reach 0.76 of their share, and a +500% outlier cannot exceed 1.
 *   liquidity L = (log10(turnover) + 3) / 3, clamped: turnover = volume / market cap, so 0.1% of
 *                 the cap traded a day scores 0 and 100% scores 1. Without a market cap (Binance
 *                 alone): (log10(volume) − 6) / 4, so $1M → 0 and $10B → 1.
 *   agreement A = joining sources whose price agreed with the universe's, out of the two others.
 *
 *   score = 100 × (0.6 M + 0.3 L + 0.1 A) − 10 per price mismatch, clamped to [0, 100].
 *
 * In words for the README: 60% momentum, 30% liquidity, 10% confirmation by the other sources;
 * a source quoting a different price costs 10 points. It rises with every change and with
 * turnover, and no single input can move it more than its weight.
 */

export interface ScoreInput {
  change1hPct: number | null;
  change24hPct: number | null;
  change7dPct: number | null;
  volume24hUsd: number | null;
  marketCapUsd: number | null;
  /** Joining sources whose price agreed with the universe source. */
  agreeingSources: number;
  /** Joining sources whose price disagreed. */
  mismatchedSources: number;
}

const MOMENTUM_TERMS = [
  { key: 'change1hPct', weight: 0.2, scalePct: 2 },
  { key: 'change24hPct', weight: 0.4, scalePct: 8 },
  { key: 'change7dPct', weight: 0.4, scalePct: 20 },
] as const;
const WEIGHTS = { momentum: 0.6, liquidity: 0.3, agreement: 0.1 } as const;
/** Sources besides the universe that can confirm a price. */
const OTHER_SOURCES = 2;
const MISMATCH_PENALTY = 10;

/** The score of one coin (see the module comment). */
export function scoreCoin(input: ScoreInput): number {
  const raw =
    100 *
      (WEIGHTS.momentum * momentum(input) +
        WEIGHTS.liquidity * liquidity(input) +
        WEIGHTS.agreement * Math.min(1, input.agreeingSources / OTHER_SOURCES)) -
    MISMATCH_PENALTY * input.mismatchedSources;
  return Math.round(Math.min(100, Math.max(0, raw)) * 10) / 10;
}

/** Momentum in [0, 1]; 0.5 means flat (or unknown). */
export function momentum(input: Pick<ScoreInput, 'change1hPct' | 'change24hPct' | 'change7dPct'>): number {
  let sum = 0;
  let weights = 0;
  for (const term of MOMENTUM_TERMS) {
    const change = input[term.key];
    if (change === null || !Number.isFinite(change)) continue;
    sum += term.weight * Math.tanh(change / term.scalePct);
    weights += term.weight;
  }
  return weights === 0 ? 0.5 : (sum / weights + 1) / 2;
}

/** Liquidity in [0, 1] from turnover, or from absolute volume when there is no market cap. */
export function liquidity(input: Pick<ScoreInput, 'volume24hUsd' | 'marketCapUsd'>): number {
  const volume = input.volume24hUsd;
  if (volume === null || volume <= 0) return 0;
  const cap = input.marketCapUsd;
  const scaled = cap !== null && cap > 0 ? (Math.log10(volume / cap) + 3) / 3 : (Math.log10(volume) - 6) / 4;
  return Math.min(1, Math.max(0, scaled));
}

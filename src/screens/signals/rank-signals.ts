import { type CoinHistory, type CoinSignals, coinSignalsAsOf } from './coin-signals.js';
import { medianOf } from './indicators.js';
import { LISTED_TOO_RECENTLY, MIN_LISTED_DAYS } from './listing.js';
import { percentileRanker } from './percentile.js';
import { BREAKOUT_TERM, type ScoreTerms, signalScore } from './signal-score.js';
import type { SignalFields } from './signal-fields.js';
import { whyOf } from './why.js';

/** A ranked coin's complete signal fields and its signals-v1 score. */
export interface RankedSignals {
  fields: SignalFields;
  /** 0–100, one decimal; null when the row has none of the score's terms (it keeps its snapshot score). */
  score: number | null;
}

/**
 * Measures each coin against the others: `rs7dPct`/`rs30dPct` are its return minus the median
 * return of every coin given that has one, the score terms are percentiles across them, and `why`
 * names the strongest (`why: false`: left empty, for rows no one reads). Pass exactly the ranked
 * coins (after the gates), in any order; the answer is in the same order. Pure.
 */
export function rankSignals(coins: readonly CoinSignals[], options: { why?: boolean } = {}): RankedSignals[] {
  const median7d = medianOf(known(coins.map((coin) => coin.return7dPct)));
  const median30d = medianOf(known(coins.map((coin) => coin.return30dPct)));
  const withRs = coins.map((coin) => ({
    ...coin.fields,
    rs7dPct: relative(coin.return7dPct, median7d),
    rs30dPct: relative(coin.return30dPct, median30d),
  }));
  const rvolRank = percentileRanker(withRs.map((fields) => fields.rvol));
  const rsRank = percentileRanker(withRs.map((fields) => fields.rs7dPct));
  const tightness = (fields: SignalFields) => (fields.squeezePct === null ? null : 100 - fields.squeezePct);
  const squeezeRank = percentileRanker(withRs.map(tightness));
  return withRs.map((fields, at) => {
    const terms: ScoreTerms = {
      rvolPct: rvolRank(fields.rvol),
      rs7dPct: rsRank(fields.rs7dPct),
      squeezePct: squeezeRank(tightness(fields)),
      breakout: coins[at]!.breakoutKnown ? BREAKOUT_TERM[fields.breakout ?? 'none'] : null,
    };
    // `fields` is this function's own copy (withRs above): filled in place, not copied again.
    if (options.why !== false) fields.why = whyOf(fields, terms);
    return { fields, score: signalScore(terms) };
  });
}

/** The listing-age gate: the exclusion reason for a coin listed under 30 days, else null (unknown age passes). */
export function listingAgeExclusion(fields: Pick<SignalFields, 'listedDays'>): string | null {
  return fields.listedDays !== null && fields.listedDays < MIN_LISTED_DAYS ? LISTED_TOO_RECENTLY : null;
}

/** One coin of a point-in-time universe: its fields, score and close, or why it was not ranked. */
export interface UniverseSignals extends RankedSignals {
  close: number | null;
  /** `listed under 30 days` for a coin kept out of the ranking (its score is then null); else null. */
  excluded: string | null;
}

/**
 * Every signal of a whole universe as of `asOfMs` (a backfill passes the end of a past day, see
 * `endOfDay`): each coin's own signals, the listing-age gate, then the ranked coins measured
 * against each other. Gated coins keep their own fields, `rs` against the ranked median, no score.
 */
export function universeSignalsAsOf(histories: readonly (CoinHistory | null | undefined)[], asOfMs: number): UniverseSignals[] {
  const own = histories.map((history) => coinSignalsAsOf(history, asOfMs));
  const excluded = own.map((coin) => listingAgeExclusion(coin.fields));
  const rankedAt = own.flatMap((_, at) => (excluded[at] === null ? [at] : []));
  const ranked = rankSignals(rankedAt.map((at) => own[at]!));
  const answers: UniverseSignals[] = own.map((coin, at) => ({
    fields: coin.fields,
    score: null,
    close: coin.close,
    excluded: excluded[at]!,
  }));
  const median7d = medianOf(known(rankedAt.map((at) => own[at]!.return7dPct)));
  const median30d = medianOf(known(rankedAt.map((at) => own[at]!.return30dPct)));
  for (const [at, coin] of own.entries()) {
    if (excluded[at] === null) continue;
    answers[at]!.fields = {
      ...coin.fields,
      rs7dPct: relative(coin.return7dPct, median7d),
      rs30dPct: relative(coin.return30dPct, median30d),
    };
  }
  rankedAt.forEach((at, i) => {
    answers[at] = { ...ranked[i]!, close: own[at]!.close, excluded: null };
  });
  return answers;
}

function known(values: readonly (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null);
}

function relative(value: number | null, median: number | null): number | null {
  return value === null || median === null ? null : value - median;
}

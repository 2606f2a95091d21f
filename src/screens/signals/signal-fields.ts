/**
 * The signal fields a screened row carries (README "Signals" gives each definition) and the flags
 * derived from them. Shared by the signal functions, the score, the journal and `screen eval`, so
 * the field set is written once.
 */

/** `"52w"`: close above every close of the 364 days before; `"20d"`: above every high of the 20 days before. */
export type Breakout = '52w' | '20d';
export type Trend = 'up' | 'down' | 'mixed';

/** Every signal field of a row; `null` when its series has too few closed candles. */
export interface SignalFields {
  rvol: number | null;
  breakout: Breakout | null;
  rs7dPct: number | null;
  rs30dPct: number | null;
  squeezePct: number | null;
  rsi14: number | null;
  rsi14h: number | null;
  trend: Trend | null;
  listedDays: number | null;
  /** ISO close time of the last daily candle used (`…T23:59:59.999Z`); null without history. */
  historyAsOf: string | null;
  /** The two or three strongest reasons in words; empty without any. */
  why: string;
}

/** The names `--signal` takes and `screen eval` scores, one per flag. */
export const SIGNAL_FLAGS = ['rvol', 'breakout', 'rs', 'squeeze', 'oversold', 'overbought'] as const;
export type SignalFlag = (typeof SIGNAL_FLAGS)[number];

/** The fields of a row without history: every signal null, no reasons. */
export const NO_SIGNAL_FIELDS: Readonly<SignalFields> = Object.freeze({
  rvol: null,
  breakout: null,
  rs7dPct: null,
  rs30dPct: null,
  squeezePct: null,
  rsi14: null,
  rsi14h: null,
  trend: null,
  listedDays: null,
  historyAsOf: null,
  why: '',
});
